// The facade as production runs it (`node src/main.ts`, configured by the environment) in a child process, for
// what must run on its own: the fuzz run's facade, a memory or latency measurement.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** A facade running in its own process. */
export interface FacadeChild {
  child: ChildProcess;
  /** http://host:port, from its "listening" log line. */
  url: string;
  /** SIGTERM (graceful stop), SIGKILL after `killAfterMs`; resolves with the exit code once it has exited. */
  stop(killAfterMs?: number): Promise<number | null>;
}

/** Options of {@link startFacadeChild}. */
export interface FacadeChildOptions {
  /** Added to this process's environment (PORT defaults to 0: a free port, DATA_DIR to `:memory:`). */
  env: Record<string, string>;
  /** Each line the facade writes on stdout (its JSON log) and stderr (Node's warnings). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** How long it may take to say it listens; default 30 s. */
  timeoutMs?: number;
}

const projectRoot = resolve(import.meta.dirname, '..');

/** The URL of main.ts's "listening" log line, or undefined for any other line. */
function listeningUrl(line: string): string | undefined {
  try {
    const record = JSON.parse(line) as { msg?: unknown; url?: unknown };
    return record.msg === 'synapse-admin-facade listening' && typeof record.url === 'string' ? record.url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts `node src/main.ts` and resolves once it listens. A facade that exits first, or does not say it listens
 * within the timeout, is stopped (never left behind) and the promise rejects.
 */
export async function startFacadeChild({ env, onLine, timeoutMs = 30_000 }: FacadeChildOptions): Promise<FacadeChild> {
  const child = spawn(process.execPath, [resolve(projectRoot, 'src', 'main.ts')], {
    cwd: projectRoot,
    env: { ...process.env, PORT: '0', DATA_DIR: ':memory:', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const stop = async (killAfterMs = 30_000) => {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    const code = await exited;
    clearTimeout(killer);
    return code;
  };
  createInterface({ input: child.stderr }).on('line', (line) => onLine?.(line, 'stderr'));
  const url = await new Promise<string | undefined>((found) => {
    const timer = setTimeout(() => found(undefined), timeoutMs);
    void exited.then(() => found(undefined));
    createInterface({ input: child.stdout }).on('line', (line) => {
      onLine?.(line, 'stdout');
      const listening = listeningUrl(line);
      if (listening !== undefined) {
        clearTimeout(timer);
        found(listening);
      }
    });
  });
  if (url === undefined) {
    const code = await stop(0);
    throw new Error(`the facade did not start (exit ${code ?? child.signalCode})`);
  }
  return { child, url, stop };
}
