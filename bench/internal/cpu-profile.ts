// In-process V8 CPU profiling for a benchmark child: start, stop, and a summary of where the time went.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import type { Profiler } from 'node:inspector';

/** One line of a profile summary: self time of a function or of a whole module/package. */
export interface ProfileEntry { name: string; selfMs: number; percent: number }

/**
 * What a profile says: time sampled, time busy (not idle, not the profiler's own inspector calls), and the
 * heaviest functions and modules; their percentages are of the busy time.
 */
export interface ProfileSummary { totalMs: number; busyMs: number; functions: ProfileEntry[]; modules: ProfileEntry[] }

let session: Session | undefined;

/** Starts sampling (every 100 µs); the profiler's own overhead makes the numbers of a profiled run unfit for comparison. */
export async function startProfile(): Promise<void> {
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}

/** Stops sampling and summarises the profile into the `top` heaviest functions and modules. */
export async function stopProfile(top = 15): Promise<ProfileSummary> {
  if (session === undefined) throw new Error('profiler not started');
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  session = undefined;
  // BENCH_PROFILE_DIR: the whole profile is also written there, for Chrome DevTools or speedscope.
  const dir = process.env.BENCH_PROFILE_DIR;
  if (dir) writeFileSync(join(dir, `facade-${process.pid}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
  return summarise(profile, top);
}

/** Groups a script URL: a package under node_modules, a Node internal, or a project file. */
function moduleOf(url: string): string {
  if (url === '') return '(native/VM)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch?.[1] !== undefined) return packageMatch[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const projectMatch = /\/(src|schemas|bench)\/(.+)$/.exec(url);
  return projectMatch ? `${projectMatch[1]}/${projectMatch[2]}` : url;
}

function topEntries(byName: Map<string, number>, totalUs: number, top: number): ProfileEntry[] {
  return [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, selfMs: Math.round(us / 100) / 10, percent: Math.round((us / totalUs) * 1000) / 10 }));
}

function summarise(profile: Profiler.Profile, top: number): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let totalUs = 0;
  let busyUs = 0;
  for (let i = 0; i < samples.length; i += 1) {
    const node = nodes.get(samples[i] ?? -1);
    const us = deltas[i] ?? 0;
    totalUs += us;
    if (node === undefined) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || url === 'node:inspector') continue;
    const module = moduleOf(url);
    const name = `${functionName || '(anonymous)'} ${module}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    // Samples without a script are the VM's own: (garbage collector), (program), (idle).
    const moduleKey = url === '' ? functionName || '(anonymous native)' : module;
    byModule.set(moduleKey, (byModule.get(moduleKey) ?? 0) + us);
    busyUs += us;
  }
  return {
    totalMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    functions: topEntries(byFunction, busyUs || 1, top),
    modules: topEntries(byModule, busyUs || 1, top),
  };
}
