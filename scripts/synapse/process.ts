// Starts Synapse detached (logging to .synapse/homeserver.log, moved to homeserver.log.1 once over 64 MiB), waits
// for /health, and stops it by pid.
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { configArgs } from './config.ts';
import { synapsePaths } from './paths.ts';
import { SynapseSetupError, tailOf } from './internal/run.ts';
import { rotateLog } from './internal/log-rotation.ts';

/** True when a process with this pid exists (signal 0 probes without touching it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid recorded by the last start, if that process is still alive. */
export async function runningPid(): Promise<number | undefined> {
  if (!existsSync(synapsePaths.pidFile)) return undefined;
  const pid = Number((await readFile(synapsePaths.pidFile, 'utf8')).trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** GET <baseUrl>/health answers 200 "OK" within a second. */
export async function isHealthy(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(1000) });
    return response.ok && (await response.text()) === 'OK';
  } catch {
    return false;
  }
}

/** Spawns `python -m synapse.app.homeserver` in its own process group, detached from this Node process. */
export async function startSynapse(python: string): Promise<number> {
  rotateLog(synapsePaths.log);
  const logFd = openSync(synapsePaths.log, 'a');
  try {
    const child = spawn(python, ['-m', 'synapse.app.homeserver', ...configArgs], {
      cwd: synapsePaths.dataDir,
      detached: true,
      // Synapse appends `git describe` of its package directory to server_version; the venv sits inside this
      // project's repository, so without a ceiling it would report *our* branch and commit (b=main,6b6dd06).
      env: { ...process.env, GIT_CEILING_DIRECTORIES: synapsePaths.root },
      stdio: ['ignore', logFd, logFd],
    });
    if (child.pid === undefined) throw new SynapseSetupError(`could not spawn ${python}`);
    child.unref();
    await writeFile(synapsePaths.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(logFd);
  }
}

/**
 * Polls /health every 250 ms until it answers OK.
 * Throws with the tail of homeserver.log if the process exits first or `timeoutMs` (default 120 s) passes.
 */
export async function waitForHealth(baseUrl: string, pid: number, { timeoutMs = 120_000 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await isHealthy(baseUrl)) return;
    if (!isAlive(pid)) {
      await rm(synapsePaths.pidFile, { force: true });
      throw new SynapseSetupError(`Synapse exited during start-up. Last lines of ${synapsePaths.log}:\n${await tailOf(synapsePaths.log)}`);
    }
    await sleep(250);
  }
  throw new SynapseSetupError(
    `Synapse (pid ${pid}) did not answer ${baseUrl}/health within ${timeoutMs} ms. Last lines of ${synapsePaths.log}:\n${await tailOf(synapsePaths.log)}`,
  );
}

/** SIGTERM, then SIGKILL after `graceMs` (default 15 s); removes the pid file. Resolves false if nothing ran. */
export async function stopSynapse({ graceMs = 15_000 } = {}): Promise<boolean> {
  const pid = await runningPid();
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
  await rm(synapsePaths.pidFile, { force: true });
  return pid !== undefined;
}

/**
 * Restarts the recorded Synapse on its written configuration (same port, data and tokens) and answers its new pid.
 * For tests of what a restart loses: releases before 1.93 keep room-delete statuses in memory only.
 */
export async function restartSynapse(baseUrl: string): Promise<number> {
  await stopSynapse();
  const pid = await startSynapse(synapsePaths.venvPython);
  await waitForHealth(baseUrl, pid);
  return pid;
}
