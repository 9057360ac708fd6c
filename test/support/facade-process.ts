// The real entry point (`node src/main.ts`) in a child process, for what must be measured on its own:
// resident memory, latency under load. Its log lines are kept; its RSS is read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

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
export function startFacadeProcess(env: Record<string, string>): Promise<FacadeProcess> {
  const child = spawn(process.execPath, [resolve(import.meta.dirname, '../../src/main.ts')], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const rssBytes = async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    if (kib === undefined) throw new Error('no VmRSS in /proc status');
    return Number(kib) * 1024;
  };
  const stop = () => {
    child.kill('SIGTERM');
    return exited;
  };
  return new Promise((done, fail) => {
    // A facade that never says where it listens is stopped, never left behind.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`facade did not start within ${START_TIMEOUT_MS} ms: ${logs.join('\n')}`));
    }, START_TIMEOUT_MS);
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        logs.push(line);
        const url = (JSON.parse(line) as { url?: string }).url;
        if (url) {
          clearTimeout(timer);
          done({ child, url, logs, rssBytes, stop });
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
    void exited.then((code) => fail(new Error(`facade exited early with ${code}: ${logs.join('\n')}`)));
  });
}
