// Starts the benchmark's children (mock Synapse, facades) with fork, pins them to a core, and stops them.
import { fork, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { channelTo, type ChildChannel } from './internal/ipc.ts';
import type { MockChildOptions, UpstreamCounts } from './child-mock.ts';

/** CPU time as process.cpuUsage() reports it, in microseconds. */
export interface CpuUsage { user: number; system: number }

/** A running child: its URL, its IPC channel, and a stop that always ends the process. */
export interface BenchChild {
  name: string;
  pid: number;
  url: string;
  /** What the child announced when ready (the facade's effective config, for the report). */
  announced: Record<string, unknown>;
  cpu(): Promise<CpuUsage>;
  stop(): Promise<void>;
  channel: ChildChannel;
}

/** The mock child, which can also count the requests it received. */
export interface MockChild extends BenchChild {
  counts(): Promise<UpstreamCounts>;
  reset(): Promise<void>;
}

/** Which core each side runs on, as the baseline did: load generator on one, upstream and proxy on the other. */
export interface Pinning { runnerCore: number; serverCore: number }

/** Pins a process (all its threads) to one core with taskset; false when that is impossible (no taskset, one core). */
export function pinToCore(pid: number, core: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const STOP_GRACE_MS = 5_000;

/** Forks `file` with `options` as JSON in argv[2]; its stdout goes to `stdoutFile` (appended) when given. */
export async function startChild(name: string, file: string, options: unknown, pinning?: Pinning, stdoutFile?: string, execArgv: string[] = []): Promise<BenchChild> {
  const stdout = stdoutFile === undefined ? 'inherit' : openSync(stdoutFile, 'a');
  const child: ChildProcess = fork(fileURLToPath(new URL(file, import.meta.url)), [JSON.stringify(options)], {
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
    execArgv: [...process.execArgv, ...execArgv],
  });
  if (typeof stdout === 'number') closeSync(stdout);
  const channel = channelTo(child);
  const announced = (await channel.ready) as Record<string, unknown>;
  if (pinning !== undefined && child.pid !== undefined) pinToCore(child.pid, pinning.serverCore);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    name,
    pid: child.pid ?? -1,
    url: String(announced.url),
    announced,
    channel,
    cpu: async () => (await channel.call('cpu')) as CpuUsage,
    stop: async () => {
      // A child that does not close in time is ended by its own pid, never by name.
      await channel.call('close', undefined, STOP_GRACE_MS).catch(() => child.kill('SIGKILL'));
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Forks a mock Synapse answering every request after `latencyMs`, with the default data set unless `dataSet` grows it. */
export async function startMockChild(latencyMs: number, pinning?: Pinning, dataSet: Pick<MockChildOptions, 'roomCount' | 'destinationCount'> = {}): Promise<MockChild> {
  const child = await startChild('mock', './child-mock.ts', { latencyMs, ...dataSet }, pinning);
  return {
    ...child,
    counts: async () => (await child.channel.call('counts')) as UpstreamCounts,
    reset: async () => { await child.channel.call('reset'); },
  };
}

/**
 * The V8 flags `npm start` and the Dockerfile run the facade with: the young generation capped at 8 MiB a
 * semi-space. With V8's default sizing a scavenge under pass-through load paused 10–17 ms (--trace-gc), which was
 * the p99 of a hit and of pass-through, and the heap stayed three times larger after a load (162 against 50 MiB
 * after a full GC); a real miss costs about a tenth more CPU with the cap. `--expose-gc` lets the facade collect
 * before it hands memory back once quiet (src/memory/handback.ts).
 */
export const FACADE_NODE_FLAGS = ['--max-semi-space-size=8', '--expose-gc'];

/**
 * Forks a facade in front of `synapseUrl` with `config` (unknown keys are ignored by older facades). With `logFile`
 * it logs at `config.logLevel` (default info) on its stdout, which is that file, as `npm start > file` does; without,
 * it logs nothing.
 */
export async function startFacadeChild(name: string, synapseUrl: string, config: Record<string, unknown>, pinning?: Pinning, logFile?: string): Promise<BenchChild> {
  const logLevel = logFile === undefined ? 'silent' : (config.logLevel ?? 'info');
  // --expose-gc (one of FACADE_NODE_FLAGS) also lets the memory row ask for a collection of its own.
  return startChild(name, './child-facade.ts', { ...config, synapseUrl, logLevel }, pinning, logFile, FACADE_NODE_FLAGS);
}

/** CPU microseconds (user + system) spent between two readings. */
export function cpuDeltaUs(before: CpuUsage, after: CpuUsage): number {
  return after.user - before.user + (after.system - before.system);
}
