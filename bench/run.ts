// `npm run bench`: the mock and the facades in child processes, scenarios (a)–(f) under autocannon, a table and a JSON file.
import os from 'node:os';
import { pinToCore, startFacadeChild, startMockChild, type BenchChild, type MockChild, type Pinning } from './processes.ts';
import { exactNumbersRow } from './exact-numbers.ts';
import { profileLoad } from './load.ts';
import * as scenario from './scenarios.ts';
import { formatProfiles, formatTable, writeResults, type ResultRow } from './report.ts';

/** Settings from the environment; every run is bounded by them. */
function readSettings() {
  const number = (name: string, fallback: number): number => {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  const durationS = number('BENCH_DURATION_S', 10);
  return {
    /** BENCH_DURATION_S: measured seconds per throughput scenario; default 10 (2 for a quick check). */
    durationS,
    /** BENCH_WARMUP_S: unmeasured seconds before each; default 3, or 1 in the short mode. */
    warmupS: number('BENCH_WARMUP_S', durationS <= 2 ? 1 : 3),
    connections: 50,
    /** BENCH_LATENCY_MS: the mock's fixed latency per request, like a real database; default 20. */
    latencyMs: number('BENCH_LATENCY_MS', 20),
    /** BENCH_PROFILE: profile the facade's CPU for `missed` CPU/throughput targets (default), `all`, or `none`. */
    profile: (process.env.BENCH_PROFILE ?? 'missed') as 'missed' | 'all' | 'none',
    /** BENCH_PIN=0: do not pin the load generator and the servers to separate cores. */
    pin: process.env.BENCH_PIN !== '0' && os.availableParallelism() >= 2,
  };
}

const settings = readSettings();
const startedAt = new Date();
const pinning: Pinning | undefined = settings.pin && pinToCore(process.pid, 0) ? { runnerCore: 0, serverCore: 1 } : undefined;
const load = { durationS: settings.durationS, warmupS: settings.warmupS, connections: settings.connections };
const children: BenchChild[] = [];
const rows: ResultRow[] = [];
const facadeConfigs: Record<string, unknown> = {};

async function facadeChild(name: string, config: Record<string, unknown>, synapseUrl: string): Promise<BenchChild> {
  const facade = await startFacadeChild(name, synapseUrl, config, pinning);
  children.push(facade);
  facadeConfigs[name] = { requested: config, effective: facade.announced.config };
  return facade;
}

/** Adds a CPU profile to a load row when its target was missed (or always, with BENCH_PROFILE=all). */
async function withProfile(row: ResultRow, facade: BenchChild, mock: MockChild, path: string, pathFor?: (index: number) => string): Promise<ResultRow> {
  const wanted = settings.profile === 'all' || (settings.profile === 'missed' && row.verdict.startsWith('MISS'));
  if (!wanted) return row;
  const profile = await profileLoad({ target: facade, mock, path, pathFor, headers: scenario.ADMIN_HEADERS, durationS: Math.min(3, settings.durationS) });
  await mock.reset();
  return { ...row, profile };
}

function progress(row: ResultRow): ResultRow {
  console.error(`  ${row.id}: ${row.reqPerS ?? '–'} req/s, ${row.facadeCpuUsPerReq ?? '–'} µs/req, upstream ${row.upstreamRequests ?? '–'}, ${row.verdict}`);
  return row;
}

console.error(`bench: ${settings.durationS} s (+${settings.warmupS} s warm-up) × ${settings.connections} connections, mock latency ${settings.latencyMs} ms, ${pinning ? 'load generator on core 0, mock and facade on core 1' : 'no pinning'}`);
try {
  const mock = await startMockChild(settings.latencyMs, pinning);
  children.push(mock);
  const a = progress(await scenario.direct(mock, load, scenario.ROOM_LIST_PATH, 'a', 'direct to mock, 100-room list'));
  rows.push(a);
  const aSamePath = progress(await scenario.direct(mock, load, scenario.UNOWNED_PATH, 'a′', 'direct to mock, b\'s path'));
  rows.push(aSamePath);

  const main = await facadeChild('main', {}, mock.url);
  const uncached = await facadeChild('cache-off', { cacheMaxBytes: 0 }, mock.url);
  rows.push(progress(await withProfile(await scenario.passThrough(main, mock, load, a, aSamePath), main, mock, scenario.UNOWNED_PATH)));
  rows.push(progress(await withProfile(await scenario.cacheMiss(uncached, mock, load, false), uncached, mock, scenario.ROOM_LIST_PATH, scenario.ownPage)));
  rows.push(progress(await scenario.cacheMiss(uncached, mock, load, true)));
  rows.push(progress(await withProfile(await scenario.cacheHit(main, mock, load, a), main, mock, scenario.ROOM_LIST_PATH)));
  rows.push(progress(await scenario.identicalGets(main, mock)));

  // A facade that has seen nothing yet, so the first page load really is the first.
  const fresh = await facadeChild('fresh', {}, mock.url);
  for (const row of await scenario.ketesa(fresh, mock)) rows.push(progress(row));
  // In this (runner) process: the CPU exact numbers cost per owned 100-room page.
  rows.push(progress(await exactNumbersRow(mock.url)));
} finally {
  await Promise.allSettled(children.reverse().map((child) => child.stop()));
}

console.log(formatTable(rows));
const profiles = formatProfiles(rows);
if (profiles !== '') console.log(`\n${profiles}\n(profiled runs are separate from the measured ones: sampling slows the facade)`);
const file = await writeResults({
  startedAt: startedAt.toISOString(),
  machine: { node: process.version, platform: `${os.type()} ${os.release()}`, cpus: os.cpus().map((cpu) => cpu.model), cores: os.availableParallelism() },
  settings: { ...settings, pinning },
  facadeConfigs,
  rows,
}, startedAt);
console.log(`\nresults: ${file}`);
