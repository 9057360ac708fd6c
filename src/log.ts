// The facade's structured logger (pino, JSON lines). Nothing here ever logs a token.
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Bytes gathered before one write to stdout: one system call per batch of about 60 request lines, not one per line
 * (sonic-boom's limit: below its 16 KiB largest write).
 */
const STDOUT_BATCH_BYTES = 15 * 1_024;
/** Longest a line waits in the batch when traffic is light. */
const STDOUT_FLUSH_MS = 200;

let stdout: pino.DestinationStream | undefined;

/**
 * The process's one stdout destination: lines are batched (pino's asynchronous logging), written at least every
 * {@link STDOUT_FLUSH_MS}, and flushed synchronously when the process exits, so a stop or a crash keeps its
 * last lines; only a SIGKILL can lose the last fraction of a second.
 */
function stdoutDestination(): pino.DestinationStream {
  if (stdout === undefined) {
    const destination = pino.destination({ dest: 1, sync: false, minLength: STDOUT_BATCH_BYTES });
    setInterval(() => destination.flush(), STDOUT_FLUSH_MS).unref();
    process.once('exit', () => {
      try {
        destination.flushSync();
      } catch {
        // A write still in flight at exit: nothing more can be done.
      }
    });
    stdout = destination;
  }
  return stdout;
}

/** Creates the logger; `destination` lets tests capture the lines (default: stdout, batched). */
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
  if (destination) return pino(options, destination as pino.DestinationStream);
  return level === 'silent' ? pino(options) : pino(options, stdoutDestination());
}
