// Runs the facade as `npm start` does (node src/main.ts) on a free loopback port, its output in .fuzz/facade.log.
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { startFacadeChild } from '../facade-process.ts';
import { FuzzSetupError } from './errors.ts';
import { fuzzPaths } from './paths.ts';

export interface FuzzFacade {
  /** http://127.0.0.1:PORT */
  url: string;
  /** SIGTERM (graceful stop), SIGKILL after 30 s; resolves when the process has exited and its log is written. */
  stop(): Promise<void>;
}

/**
 * Starts the facade in its own process, configured only through the environment as in production, so its
 * warnings and logs land in the log file and not in the harness's output. Throws with the log tail if it exits or
 * has not said it listens within `timeoutMs` (default 30 s).
 */
export async function startFacadeProcess(
  { synapseUrl, serverName, adminToken, timeoutMs = 30_000 }: { synapseUrl: string; serverName: string; adminToken: string; timeoutMs?: number },
): Promise<FuzzFacade> {
  const log = createWriteStream(fuzzPaths.facadeLog);
  const closeLog = () => new Promise<void>((done) => log.end(() => done()));
  try {
    const facade = await startFacadeChild({
      // The admin token (through the environment only) lets the index sweep before the first request.
      env: { SYNAPSE_URL: synapseUrl, SYNAPSE_SERVER_NAME: serverName, HOST: '127.0.0.1', LOG_LEVEL: 'info', FACADE_ADMIN_TOKEN: adminToken },
      onLine: (line) => log.write(`${line}\n`),
      timeoutMs,
    });
    await untilIndexed(facade.url, adminToken, timeoutMs);
    return { url: facade.url, stop: async () => {
      await facade.stop();
      await closeLog();
    } };
  } catch (error) {
    await closeLog();
    const tail = (await readFile(fuzzPaths.facadeLog, 'utf8').catch(() => '')).slice(-4000);
    throw new FuzzSetupError(`${(error as Error).message}; ${fuzzPaths.facadeLog} ends:\n${tail}`);
  }
}

/**
 * Waits for the first complete sweep of both indexes: before it the index answers 503 (not ready) by design, which
 * the fuzz run would count as a server error.
 */
async function untilIndexed(url: string, adminToken: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await fetch(`${url}/_facade/v1/index`, { headers: { authorization: `Bearer ${adminToken}` } });
    const status = (await answer.json().catch(() => ({}))) as { rooms?: { last_complete_sweep?: unknown }; destinations?: { last_complete_sweep?: unknown } };
    if (answer.ok && status.rooms?.last_complete_sweep && status.destinations?.last_complete_sweep) return;
    if (Date.now() > deadline) throw new Error(`the index had no complete sweep within ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Lines Node printed as process warnings (e.g. MaxListenersExceededWarning): facade findings, reported not failed. */
export async function facadeWarnings(): Promise<string[]> {
  const text = await readFile(fuzzPaths.facadeLog, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => /^\(node:\d+\) \w*Warning/.test(line));
}
