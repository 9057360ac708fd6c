// One-shot bursts through a facade, counted at the mock: identical concurrent GETs (e) and a Ketesa-style page (f).
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { BenchChild, CpuUsage, MockChild } from './processes.ts';
import { cpuDeltaUs } from './processes.ts';
import type { UpstreamCounts } from './child-mock.ts';

/** One burst of parallel requests: how long it took and what the mock saw. */
export interface BurstRun {
  requests: number;
  statuses: Record<string, number>;
  wallMs: number;
  p50Ms: number;
  p99Ms: number;
  cacheHeader: Record<string, number>;
  upstream: UpstreamCounts;
  /** The facade's CPU time over the burst, µs. */
  facadeCpuUs: number;
}

interface Answer { status: number; cache: string; latencyMs: number; body: string }

const WARM_PATH = '/_synapse/admin/v1/server_version';

async function get(pool: Pool, path: string, headers: Record<string, string>): Promise<Answer> {
  const started = performance.now();
  const response = await pool.request({ method: 'GET', path, headers });
  const body = await response.body.text();
  const cache = response.headers['x-facade-cache'];
  return { status: response.statusCode, cache: typeof cache === 'string' ? cache : 'absent', latencyMs: performance.now() - started, body };
}

function percentile(sorted: number[], fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, index)] ?? 0) * 10) / 10;
}

function tally(answers: Answer[], wallMs: number, upstream: UpstreamCounts, facadeCpuUs: number): BurstRun {
  const statuses: Record<string, number> = {};
  const cacheHeader: Record<string, number> = {};
  for (const { status, cache } of answers) {
    statuses[status] = (statuses[status] ?? 0) + 1;
    cacheHeader[cache] = (cacheHeader[cache] ?? 0) + 1;
  }
  const latencies = answers.map((answer) => answer.latencyMs).sort((a, b) => a - b);
  return {
    requests: answers.length, statuses, wallMs: Math.round(wallMs * 10) / 10,
    p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99), cacheHeader, upstream, facadeCpuUs,
  };
}

/** Closes a burst's books: wall time, the facade's CPU and the mock's request counts. */
async function finish(answers: Answer[], started: number, facade: BenchChild, cpuBefore: CpuUsage, mock: MockChild): Promise<BurstRun> {
  const wallMs = performance.now() - started;
  const cpuUs = cpuDeltaUs(cpuBefore, await facade.cpu());
  return tally(answers, wallMs, await mock.counts(), cpuUs);
}

/** Opens `connections` keep-alive connections (through a pass-through path) so a burst is not slowed by TCP set-up. */
async function openPool(facade: BenchChild, mock: MockChild, connections: number): Promise<Pool> {
  const pool = new Pool(facade.url, { connections, pipelining: 1 });
  await Promise.all(Array.from({ length: connections }, () => get(pool, WARM_PATH, {})));
  await mock.reset();
  return pool;
}

/** (e): `count` identical GETs of `path`, all sent before any answer, on an uncached key. */
export async function identicalBurst(facade: BenchChild, mock: MockChild, path: string, headers: Record<string, string>, count = 100): Promise<BurstRun> {
  const pool = await openPool(facade, mock, count);
  try {
    const cpuBefore = await facade.cpu();
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: count }, () => get(pool, path, headers)));
    const run = await finish(answers, started, facade, cpuBefore, mock);
    await mock.reset();
    return run;
  } finally {
    await pool.close();
  }
}

/** One page load: the list, then every room's details in parallel, as an admin UI does. */
async function loadPage(pool: Pool, listPath: string, headers: Record<string, string>): Promise<Answer[]> {
  const list = await get(pool, listPath, headers);
  if (list.status !== 200) throw new Error(`room list answered ${list.status}: ${list.body.slice(0, 200)}`);
  const { rooms } = JSON.parse(list.body) as { rooms: Array<{ room_id: string }> };
  const details = await Promise.all(rooms.map(({ room_id: roomId }) =>
    get(pool, `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}`, headers)));
  return [list, ...details];
}

/** (f): the same page `passes` times in a row (well within any cache TTL); upstream counted per pass. */
export async function ketesaPage(facade: BenchChild, mock: MockChild, listPath: string, headers: Record<string, string>, passes = 2): Promise<BurstRun[]> {
  const pool = await openPool(facade, mock, 101);
  try {
    const runs: BurstRun[] = [];
    for (let pass = 0; pass < passes; pass += 1) {
      const cpuBefore = await facade.cpu();
      const started = performance.now();
      const answers = await loadPage(pool, listPath, headers);
      runs.push(await finish(answers, started, facade, cpuBefore, mock));
      await mock.reset();
    }
    return runs;
  } finally {
    await pool.close();
  }
}
