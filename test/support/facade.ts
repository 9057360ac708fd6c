// Starts a facade for tests: silent logs, loopback, random port, short timeouts unless told otherwise.
import { Writable } from 'node:stream';
import type { ConfigInput } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { startFacade, type RunningFacade } from '../../src/server.ts';

/** A facade plus the log lines it wrote. */
export interface TestFacade extends RunningFacade {
  logLines: string[];
}

/** Starts a facade in front of `synapseUrl`, capturing its JSON log lines. */
export async function startTestFacade(synapseUrl: string, overrides: Partial<ConfigInput> = {}): Promise<TestFacade> {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const facade = await startFacade(
    // Each test facade has its own in-memory store unless the test gives it a directory.
    { synapseUrl, host: '127.0.0.1', port: 0, logLevel: 'info', dataDir: ':memory:', ...overrides },
    { logger: createLogger('info', sink) },
  );
  return Object.assign(facade, { logLines });
}

/** Authorization header of an admin for tests that need a token present. */
export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * Overrides for a facade in front of a fake upstream that does not implement whoami and the admin
 * flag: the verified-admin gate (and with it the shared cache) is off.
 */
export const FAKE_UPSTREAM = { verifyAdmins: false } as const;

/** The value a `beforeAll` hook set; throws, naming `what`, when a test reaches it before the hook ran. */
export function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} not started`);
  return value;
}
