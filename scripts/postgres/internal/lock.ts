// Test runs and `postgres:up` starting at the same time share one root directory: a lock file keeps them from
// initialising it twice, and one file per holding test run tells the last one out to stop the server.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from '../../synapse/process.ts';
import { PostgresSetupError } from './system.ts';

/** How long a start waits for another one to finish, milliseconds (an apt install included). */
const LOCK_WAIT_MS = 300_000;

/** Runs `work` holding `<root>/lock`; a lock left by a dead process is taken over. */
export async function withLock<T>(root: string, work: () => Promise<T>): Promise<T> {
  const lock = join(root, 'lock');
  for (const deadline = Date.now() + LOCK_WAIT_MS; ; await sleep(200)) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
      if (holder > 0 && !isAlive(holder)) await rm(lock, { force: true });
      else if (Date.now() > deadline) throw new PostgresSetupError(`${lock} is held by pid ${holder}`);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}

/** `<root>/holders`: one empty file per test run (named by its pid) using the server. */
export const holdersDir = (root: string): string => join(root, 'holders');

/** Records `pid` as a holder. */
export const hold = (root: string, pid: number): Promise<void> => writeFile(join(holdersDir(root), String(pid)), '');

/** Forgets `pid` as a holder and answers how many other holders still live. */
export async function letGo(root: string, pid: number): Promise<number> {
  await rm(join(holdersDir(root), String(pid)), { force: true });
  const others = (await readdir(holdersDir(root)).catch(() => [])).map(Number);
  return others.filter((other) => other > 0 && isAlive(other)).length;
}
