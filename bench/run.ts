// `npm run bench`: first the facade side by side with nginx and bare Node servers in front of a static upstream, under
// wrk (one table, targets as ratios to those peers); then the mock-backed scenarios (coalescing, Ketesa's page, the
// cost of exact numbers). Prints the tables and writes a JSON file.
import os from 'node:os';
import { pinToCore, startFacadeChild, startMockChild, type BenchChild, type Pinning } from './processes.ts';
import { exactNumbersRow } from './exact-numbers.ts';
import * as scenario from './scenarios.ts';
import { formatPeerTable, formatProfiles, formatTable, writeResults, type ResultRow } from './report.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBenchTools } from './peers/install.ts';
import { sideBySide } from './peers/side-by-side.ts';

/** Settings from the environment; every run is bounded by them. */
function readSettings() {
  const number = (name: string, fallback: number): number => {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  const durationS = number('BENCH_DURATION_S', 8);
  return {
    /** BENCH_DURATION_S: measured seconds per load row; default 8 (2 for a quick check). */
    durationS,
    /** BENCH_WARMUP_S: unmeasured seconds before each; default 2, or 1 in the short mode. */
    warmupS: number('BENCH_WARMUP_S', durationS <= 2 ? 1 : 2),
    /** BENCH_LATENCY_MS: the mock's fixed latency per request, like a real database; default 20. */
    latencyMs: number('BENCH_LATENCY_MS', 20),
    /** BENCH_PROFILE: profile the facade's CPU on rows that `missed` a target (default), on `all` facade rows, or `none`. */
    profile: (process.env.BENCH_PROFILE ?? 'missed') as 'missed' | 'all' | 'none',
    /** BENCH_PIN=0: do not pin the load generator and the servers to separate cores. */
    pin: process.env.BENCH_PIN !== '0' && os.availableParallelism() >= 2,
  };
}

const settings = readSettings();
const startedAt = new Date();
const pinning: Pinning | undefined = settings.pin && pinToCore(process.pid, 0) ? { runnerCore: 0, serverCore: 1 } : undefined;
const children: BenchChild[] = [];
const rows: ResultRow[] = [];
const facadeConfigs: Record<string, unknown> = {};

async function facadeChild(name: string, config: Record<string, unknown>, synapseUrl: string): Promise<BenchChild> {
  const facade = await startFacadeChild(name, synapseUrl, config, pinning);
  children.push(facade);
  facadeConfigs[name] = { requested: config, effective: facade.announced.config };
  return facade;
}

function progress(row: ResultRow): ResultRow {
  console.error(`  ${row.id}: ${row.facadeCpuUsPerReq ?? '–'} µs/req, upstream ${row.upstreamRequests ?? '–'}, ${row.verdict}`);
  return row;
}

console.error(`bench: ${settings.durationS} s (+${settings.warmupS} s warm-up) per row, ${pinning ? 'load generator and upstream on core 0, the server under test on core 1' : 'no pinning'}`);
const tools = await ensureBenchTools((line) => console.error(line));
if (!tools.wrk) throw new Error('bench: wrk is required (apt-get install wrk)');
const logDir = mkdtempSync(join(os.tmpdir(), 'facade-bench-logs-'));
const peers = await sideBySide({ durationS: settings.durationS, warmupS: settings.warmupS, profile: settings.profile, pinning, nginx: tools.nginx, tcpdump: tools.tcpdump, logDir, log: (line) => console.error(line) })
  .finally(() => rmSync(logDir, { recursive: true, force: true }));
console.log(formatPeerTable(peers));

console.error(`bench: mock scenarios, mock latency ${settings.latencyMs} ms`);
try {
  const mock = await startMockChild(settings.latencyMs, pinning);
  children.push(mock);
  const main = await facadeChild('main', {}, mock.url);
  rows.push(progress(await scenario.identicalGets(main, mock)));

  // A facade that has seen nothing yet, so the first page load really is the first.
  const fresh = await facadeChild('fresh', {}, mock.url);
  for (const row of await scenario.ketesa(fresh, mock)) rows.push(progress(row));
  // In this (runner) process: the CPU exact numbers cost per owned 100-room page.
  rows.push(progress(await exactNumbersRow(mock.url)));
} finally {
  await Promise.allSettled(children.reverse().map((child) => child.stop()));
}

console.log(`\n${formatTable(rows)}`);
const profiles = formatProfiles(peers);
if (profiles !== '') console.log(`\n${profiles}\n(profiled runs are separate from the measured ones: sampling slows the facade)`);
const file = await writeResults({
  startedAt: startedAt.toISOString(),
  machine: { node: process.version, platform: `${os.type()} ${os.release()}`, cpus: os.cpus().map((cpu) => cpu.model), cores: os.availableParallelism() },
  settings: { ...settings, pinning },
  facadeConfigs,
  peers,
  rows,
}, startedAt);
console.log(`\nresults: ${file}`);
