// The facade's structured logger (pino, JSON lines). Nothing here ever logs a token.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the logger; `destination` lets tests capture the lines. */
export function createLogger(
  level: string,
  destination?: NodeJS.WritableStream,
): Logger {
  const options = {
    level,
    base: { service: 'synapse-admin-facade' },
    // A last line of defence: these paths are never printed even if something tries.
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'access_token', '*.access_token'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
