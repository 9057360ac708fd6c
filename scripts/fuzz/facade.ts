// Runs the facade as `npm start` does (node src/main.ts) on a free loopback port, its output in .fuzz/facade.log.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { FuzzSetupError } from './errors.ts';
import { fuzzPaths } from './paths.ts';

export interface FuzzFacade {
  /** http://127.0.0.1:PORT */
  url: string;
  /** SIGTERM (graceful stop), SIGKILL after 30 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((done) => child.once('exit', () => done()));
}

/** The URL from main.ts's "listening" log line, or undefined for any other line. */
function listeningUrl(line: string): string | undefined {
  try {
    const record = JSON.parse(line) as { msg?: unknown; url?: unknown };
    return record.msg === 'synapse-admin-facade listening' && typeof record.url === 'string' ? record.url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the facade in its own process, configured only through the environment as in production, so its
 * warnings and logs land in the log file and not in the harness's output. Throws with the log tail if it exits or
 * has not said it listens within `timeoutMs` (default 30 s).
 */
export async function startFacadeProcess(
  { synapseUrl, serverName, timeoutMs = 30_000 }: { synapseUrl: string; serverName: string; timeoutMs?: number },
): Promise<FuzzFacade> {
  const log = createWriteStream(fuzzPaths.facadeLog);
  const child = spawn(process.execPath, [resolve(fuzzPaths.projectRoot, 'src', 'main.ts')], {
    cwd: fuzzPaths.projectRoot,
    env: { ...process.env, SYNAPSE_URL: synapseUrl, SYNAPSE_SERVER_NAME: serverName, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.pipe(log, { end: false });
  const url = await new Promise<string | undefined>((resolveUrl) => {
    const timer = setTimeout(() => resolveUrl(undefined), timeoutMs);
    child.once('exit', () => resolveUrl(undefined));
    createInterface({ input: child.stdout }).on('line', (line) => {
      log.write(`${line}\n`);
      const found = listeningUrl(line);
      if (found !== undefined) {
        clearTimeout(timer);
        resolveUrl(found);
      }
    });
  });
  const stop = async () => {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited(child);
    clearTimeout(killer);
    await new Promise<void>((done) => log.end(() => done()));
  };
  if (url === undefined) {
    await stop();
    const tail = (await readFile(fuzzPaths.facadeLog, 'utf8').catch(() => '')).slice(-4000);
    throw new FuzzSetupError(`the facade did not start (exit ${child.exitCode ?? child.signalCode}); ${fuzzPaths.facadeLog} ends:\n${tail}`);
  }
  return { url, stop };
}

/** Lines Node printed as process warnings (e.g. MaxListenersExceededWarning): facade findings, reported not failed. */
export async function facadeWarnings(): Promise<string[]> {
  const text = await readFile(fuzzPaths.facadeLog, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => /^\(node:\d+\) \w*Warning/.test(line));
}
