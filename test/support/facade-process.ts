// The real entry point (`node src/main.ts`) in a child process, for what must be measured on its own:
// resident memory, latency under load. Its log lines are kept; its RSS is read from /proc.
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { startFacadeChild } from '../../scripts/facade-process.ts';

/** A facade running in its own process. */
export interface FacadeProcess {
  child: ChildProcess;
  url: string;
  /** Its JSON log lines so far. */
  logs: string[];
  /** Its resident set size now, in bytes (VmRSS of /proc/<pid>/status). */
  rssBytes(): Promise<number>;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

const START_TIMEOUT_MS = 15_000;

/** Starts `node src/main.ts` with `env` added to this process's environment; resolves once it listens. */
export async function startFacadeProcess(env: Record<string, string>): Promise<FacadeProcess> {
  const logs: string[] = [];
  const facade = await startFacadeChild({ env, onLine: (line) => logs.push(line), timeoutMs: START_TIMEOUT_MS }).catch((error: Error) => {
    throw new Error(`${error.message}: ${logs.join('\n')}`);
  });
  const rssBytes = async () => {
    const status = await readFile(`/proc/${facade.child.pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    if (kib === undefined) throw new Error('no VmRSS in /proc status');
    return Number(kib) * 1024;
  };
  return { child: facade.child, url: facade.url, logs, rssBytes, stop: () => facade.stop() };
}
