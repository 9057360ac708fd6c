// `npm run bench:index`: the room and destination index at scale. The mock Synapse with 100,000 rooms in one child
// process, a facade in another (FACADE_ADMIN_TOKEN set, INDEX_MAX_UPSTREAM_SHARE=1, so its first sweep runs flat
// out); prints the sweep's upstream requests and time, then the time of a filtered page, a search, a cursor page and
// the full exports (median of runs), with the facade's resident memory around them and the targets of issue 16.
import { DEFAULT_ADMIN_TOKEN } from '../src/mock/constants.ts';
import { startFacadeChild, startMockChild, type BenchChild, type MockChild } from './processes.ts';
import { residentOf, resetPeak, timeDownload, timeGet, type Resident } from './internal/index-probe.ts';

/** A positive integer from the environment, or the fallback. */
const setting = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
};
/** BENCH_INDEX_ROOMS: rooms in the mock; default 100,000. BENCH_INDEX_DESTINATIONS: destinations; default 2,000. */
const ROOMS = setting('BENCH_INDEX_ROOMS', 100_000);
const DESTINATIONS = setting('BENCH_INDEX_DESTINATIONS', 2_000);
/** BENCH_INDEX_RUNS: measured runs per query (after 2 warm-ups); the median is printed. Default 7; exports 3. */
const RUNS = setting('BENCH_INDEX_RUNS', 7);
/** BENCH_LATENCY_MS: the mock's added latency per request; default 0 (the sweep's time is then all processing). */
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 0) || 0;
/** Gives up waiting for the first complete sweep after this long. */
const SWEEP_TIMEOUT_MS = 10 * 60_000;

const HEADERS = { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` };
const TARGET_PAGE_MS = 20;
const TARGET_EXPORT_MS = 3_000;
const TARGET_RSS_GROWTH_MB = 100;

interface Line { figure: string; value: string; target?: string; verdict?: string }
const lines: Line[] = [];
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISS');
const mb = (resident: Resident | undefined, field: keyof Resident) => (resident ? `${resident[field]} MB` : 'n/a (no /proc)');

const children: BenchChild[] = [];
try {
  console.error(`bench:index: mock with ${ROOMS} rooms and ${DESTINATIONS} destinations (latency ${LATENCY_MS} ms), facade with a SQLite file store`);
  let started = performance.now();
  const mock: MockChild = await startMockChild(LATENCY_MS, undefined, { roomCount: ROOMS, destinationCount: DESTINATIONS });
  children.push(mock);
  lines.push({ figure: 'mock start (data set built)', value: `${Math.round(performance.now() - started)} ms` });
  started = performance.now();
  const facade = await startFacadeChild('index', mock.url, { facadeAdminToken: DEFAULT_ADMIN_TOKEN, indexMaxUpstreamShare: 1, indexRefreshMs: 3_600_000, indexPageSize: 1_000 });
  children.push(facade);
  const atStart = residentOf(facade.pid);
  lines.push({ figure: 'facade RSS at start (its first sweep starting)', value: mb(atStart, 'rssMb') });
  await measureSweep(facade, mock, started);
  await measureQueries(facade);
} catch (error) {
  lines.push({ figure: 'bench:index stopped', value: (error as Error).message });
  process.exitCode = 1;
} finally {
  for (const child of children.reverse()) await child.stop();
  printLines();
}

type SweepOut = { started: string; duration_ms: number; upstream_requests: number; rows: number };
type IndexOut = { last_complete_sweep: SweepOut | null; last_failed_sweep: { error: string } | null };
type StatusOut = { rooms: IndexOut; destinations: IndexOut };

/** GET /_facade/v1/index, or undefined when this facade has no index (404). */
async function indexStatus(facade: BenchChild): Promise<StatusOut | undefined> {
  const response = await fetch(`${facade.url}/_facade/v1/index`, { headers: HEADERS });
  if (response.status === 404) return undefined;
  const status = (await response.json()) as StatusOut;
  const failed = status.rooms.last_failed_sweep ?? status.destinations.last_failed_sweep;
  if (failed) throw new Error(`a sweep failed: ${failed.error}`);
  return status;
}

/** Records both indexes' last complete sweep as GET /_facade/v1/index reports it, beside what the mock counted. */
async function recordSweep(label: string, status: StatusOut, mock: MockChild): Promise<void> {
  const counts = await mock.counts();
  const figure = (kind: keyof StatusOut, noun: string, path: string): Line => {
    const sweep = status[kind].last_complete_sweep!;
    const seen = counts.byPath[path] ?? 0;
    return { figure: `${label} sweep: ${sweep.rows} ${noun}`, value: `${sweep.duration_ms} ms, ${sweep.upstream_requests} upstream requests (the mock saw ${seen})` };
  };
  lines.push(
    figure('rooms', 'rooms', '/_synapse/admin/v1/rooms'),
    figure('destinations', 'destinations', '/_synapse/admin/v1/federation/destinations'),
  );
}

/**
 * The first sweep (the facade starts it at once; every row is new) and a second one (every row is refreshed, as
 * each INDEX_REFRESH_MS in production), with the facade's memory after each.
 */
async function measureSweep(facade: BenchChild, mock: MockChild, startedAt: number): Promise<void> {
  let status = await indexStatus(facade);
  while (status && !(status.rooms.last_complete_sweep && status.destinations.last_complete_sweep)) {
    if (performance.now() - startedAt > SWEEP_TIMEOUT_MS) throw new Error('no complete sweep within 10 minutes');
    await new Promise((resolve) => setTimeout(resolve, 200));
    status = await indexStatus(facade);
  }
  if (!status) {
    lines.push({ figure: 'sweep', value: 'n/a: GET /_facade/v1/index answered 404 (no sweeper in this facade)' });
    return;
  }
  await recordSweep('first (filling)', status, mock);
  lines.push({ figure: 'facade RSS after it (peak so far)', value: `${mb(residentOf(facade.pid), 'rssMb')} (${mb(residentOf(facade.pid), 'peakMb')})` });
  await mock.reset();
  try {
    await facade.channel.call('sweep', undefined, SWEEP_TIMEOUT_MS);
  } catch (error) {
    lines.push({ figure: 'second sweep', value: `n/a: ${(error as Error).message}` });
    return;
  }
  const refreshed = await indexStatus(facade);
  if (refreshed) await recordSweep('second (refreshing)', refreshed, mock);
  lines.push({ figure: 'facade RSS after it (peak so far)', value: `${mb(residentOf(facade.pid), 'rssMb')} (${mb(residentOf(facade.pid), 'peakMb')})` });
}

/** Times the index's queries and exports, with the facade's memory before, after and at its peak. */
async function measureQueries(facade: BenchChild): Promise<void> {
  const url = (path: string) => `${facade.url}${path}`;
  const peakReset = resetPeak(facade.pid);
  const before = residentOf(facade.pid);
  const page = async (figure: string, path: string, target = TARGET_PAGE_MS) => {
    const timing = await timeGet(url(path), HEADERS, { runs: RUNS });
    const total = timing.body?.total;
    const answered = timing.status === 200 ? `total ${String(total)}` : `answered ${timing.status}`;
    const shown = path.replace(/cursor=[^&]*/, 'cursor=…');
    lines.push({ figure: `${figure}: ${shown}`, value: `p50 ${timing.p50Ms} ms, max ${timing.maxMs} ms (${answered})`, target: `≤ ${target} ms`, verdict: verdict(timing.status === 200 && timing.p50Ms <= target) });
    return timing;
  };
  await page('first page, default order', '/_facade/v1/rooms?limit=100');
  await page('filtered page', '/_facade/v1/rooms?encrypted=true&order_by=joined_members&dir=b&limit=100');
  await page('filtered page', '/_facade/v1/rooms?public=true&joined_members_min=10&limit=100');
  await page('searched page', `/_facade/v1/rooms?q=${encodeURIComponent('ZÜRICH')}&limit=100`);
  await page('searched page', '/_facade/v1/rooms?q=caf&order_by=first_seen&limit=100');
  await page('searched page, rare q', `/_facade/v1/rooms?q=${encodeURIComponent('meetup 4242')}&limit=100`);
  await page('searched page, q in every room', '/_facade/v1/rooms?q=mock.example&order_by=joined_members&limit=100');
  // Below three characters the trigram table has nothing to offer: every row is compared (no target, shown as is).
  const short = await timeGet(url(`/_facade/v1/rooms?q=${encodeURIComponent('zü')}&limit=100`), HEADERS, { runs: RUNS });
  lines.push({ figure: 'searched page, two-character q (no trigrams): /_facade/v1/rooms?q=z%C3%BC&limit=100', value: `p50 ${short.p50Ms} ms, max ${short.maxMs} ms (total ${String(short.body?.total)})` });
  const middle = await cursorInTheMiddle(url('/_facade/v1/rooms?limit=1000'));
  if (middle) await page(`cursor page (after ${middle.walked} rooms)`, `/_facade/v1/rooms?limit=100&cursor=${encodeURIComponent(middle.cursor)}`);
  await page('destinations page', '/_facade/v1/federation/destinations?failing=true&order_by=failure_ts&limit=100');
  const ndjson = await timeDownload(url('/_facade/v1/rooms/export?format=ndjson'), HEADERS, 3);
  lines.push({
    figure: 'NDJSON export of every room',
    value: `p50 ${ndjson.p50Ms} ms, max ${ndjson.maxMs} ms (${ndjson.status}, ${ndjson.lines} lines, ${(ndjson.bytes / 1e6).toFixed(1)} MB)`,
    target: `≤ ${TARGET_EXPORT_MS} ms`,
    verdict: verdict(ndjson.status === 200 && ndjson.lines === ROOMS && ndjson.p50Ms <= TARGET_EXPORT_MS),
  });
  const csv = await timeDownload(url('/_facade/v1/rooms/export?format=csv'), HEADERS, 1);
  lines.push({ figure: 'CSV export of every room', value: `${csv.ms} ms (${csv.status}, ${csv.lines} lines incl. header, ${(csv.bytes / 1e6).toFixed(1)} MB)` });
  const after = residentOf(facade.pid);
  if (before && after) {
    const growth = after.rssMb - before.rssMb;
    const peakGrowth = after.peakMb - before.rssMb;
    lines.push(
      { figure: 'facade RSS before → after the queries and exports', value: `${before.rssMb} MB → ${after.rssMb} MB (${growth >= 0 ? '+' : ''}${growth} MB)`, target: `< +${TARGET_RSS_GROWTH_MB} MB`, verdict: verdict(growth < TARGET_RSS_GROWTH_MB) },
      peakReset
        ? { figure: 'facade RSS peak during them', value: `${after.peakMb} MB (+${peakGrowth} MB over before)`, target: `< +${TARGET_RSS_GROWTH_MB} MB`, verdict: verdict(peakGrowth < TARGET_RSS_GROWTH_MB) }
        : { figure: 'facade RSS peak since start (peak could not be reset)', value: `${after.peakMb} MB` },
    );
  } else {
    lines.push({ figure: 'facade RSS', value: 'n/a (no /proc on this system)' });
  }
}

/** Walks half the rooms in keyset pages and answers the cursor there (undefined when the listing is missing). */
async function cursorInTheMiddle(firstPage: string): Promise<{ cursor: string; walked: number } | undefined> {
  let cursor: string | undefined;
  let walked = 0;
  const started = performance.now();
  while (walked < ROOMS / 2) {
    const response = await fetch(cursor ? `${firstPage}&cursor=${encodeURIComponent(cursor)}` : firstPage, { headers: HEADERS });
    if (response.status !== 200) {
      lines.push({ figure: 'cursor page', value: `n/a: the listing answered ${response.status}` });
      return undefined;
    }
    const body = (await response.json()) as { rooms: unknown[]; next_cursor?: string };
    walked += body.rooms.length;
    if (!body.next_cursor) break;
    cursor = body.next_cursor;
  }
  lines.push({ figure: `keyset walk: ${walked} rooms in pages of 1000`, value: `${Math.round(performance.now() - started)} ms` });
  return cursor ? { cursor, walked } : undefined;
}

function printLines(): void {
  const width = Math.max(...lines.map((line) => line.figure.length));
  const valueWidth = Math.max(...lines.map((line) => line.value.length));
  console.log(`index at scale: ${ROOMS} rooms, ${DESTINATIONS} destinations, medians of ${RUNS} runs (exports: 3)`);
  for (const { figure, value, target, verdict: result } of lines) {
    console.log(`  ${figure.padEnd(width)}  ${value.padEnd(valueWidth)}${target ? `  target ${target}: ${result}` : ''}`);
  }
}
