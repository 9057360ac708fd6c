// The issue's scenarios (a)–(f): what each loads, through which process, and the target it is judged by.
import { DEFAULT_ADMIN_TOKEN } from '../src/mock/constants.ts';
import type { BenchChild, MockChild } from './processes.ts';
import { measureLoad, type LoadRun } from './load.ts';
import { identicalBurst, ketesaPage, type BurstRun } from './bursts.ts';
import { formatCacheHeader, type ResultRow } from './report.ts';

/** Timing shared by every throughput scenario. */
export interface LoadSettings { durationS: number; warmupS: number; connections: number }

export const ADMIN_HEADERS = { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` };
/** The owned 100-room page (34 KB from the mock, like the baseline's). */
export const ROOM_LIST_PATH = '/_synapse/admin/v1/rooms?limit=100';
/** An admin route the facade does not own (Users API): it must pass through unchanged. */
export const UNOWNED_PATH = '/_synapse/admin/v2/users/@admin:mock.example';
/** The same list under another key, used only by (e), so it is uncached when the burst starts. */
const BURST_PATH = '/_synapse/admin/v1/rooms?limit=100&order_by=joined_members';

function loadRow(id: string, title: string, run: LoadRun, viaFacade: boolean): ResultRow {
  return {
    id, title, verdict: '–', raw: run,
    reqPerS: run.reqPerS, p50Ms: run.p50Ms, p99Ms: run.p99Ms,
    facadeCpuUsPerReq: viaFacade ? run.targetCpuUsPerReq : undefined,
    mockCpuUsPerReq: run.mockCpuUsPerReq,
    upstreamRequests: viaFacade ? run.upstreamRequests : undefined,
    cache: viaFacade ? formatCacheHeader(run.cacheHeader) : undefined,
  };
}

function times(ratio: number): string {
  return `${Math.round(ratio * 100) / 100}×`;
}

/** Judges "at least `minimum` req/s", naming the shortfall when missed. */
function atLeast(row: ResultRow, minimum: number, reference: number, target: string): ResultRow {
  const reqPerS = row.reqPerS ?? 0;
  const ratio = times(reqPerS / (reference || 1));
  const verdict = reqPerS >= minimum
    ? `PASS (${ratio} of a)`
    : `MISS (${ratio} of a; ${Math.round(minimum - reqPerS)} req/s = ${Math.round((1 - reqPerS / minimum) * 100)} % short)`;
  return { ...row, target, verdict };
}

function errorsOf(run: LoadRun): string {
  return run.errors + run.non2xx > 0 ? ` [${run.errors} errors, ${run.non2xx} non-2xx]` : '';
}

/** (a) the mock hit directly: the latency-bound ceiling everything else is compared with. */
export async function direct(mock: MockChild, settings: LoadSettings, path: string, id: string, title: string): Promise<ResultRow> {
  const run = await measureLoad({ ...settings, target: mock, mock, path, headers: ADMIN_HEADERS });
  return { ...loadRow(id, title + errorsOf(run), run, false), upstreamRequests: run.upstreamRequests };
}

/**
 * (b) an un-owned path through the facade: ≥ 0.6× the req/s of (a), as the issue says; also compared with (a′),
 * the same path hit directly, since (a) is bound by the mock's cost of building a 100-room list.
 */
export async function passThrough(facade: BenchChild, mock: MockChild, settings: LoadSettings, a: ResultRow, aSamePath: ResultRow): Promise<ResultRow> {
  const run = await measureLoad({ ...settings, target: facade, mock, path: UNOWNED_PATH, headers: ADMIN_HEADERS });
  const reference = a.reqPerS ?? 0;
  const row = atLeast(loadRow('b', `pass-through ${UNOWNED_PATH.split('/').slice(-3, -1).join('/')}/…${errorsOf(run)}`, run, true),
    0.6 * reference, reference, `≥ 0.6× a (${Math.round(0.6 * reference)})`);
  return { ...row, verdict: `${row.verdict}; ${times(run.reqPerS / (aSamePath.reqPerS || 1))} of a′` };
}

/**
 * Connection `index` reads its own 100-room page (`from=index`), so with the cache off every request is its own
 * upstream call: identical requests in flight would be coalesced, and (c) would measure a shared miss.
 */
export const ownPage = (index: number): string => `${ROOM_LIST_PATH}&from=${index}`;

/** (c) the owned list with the cache disabled: ≤ 300 µs of facade CPU per request. */
export async function cacheMiss(facade: BenchChild, mock: MockChild, settings: LoadSettings, shared: boolean): Promise<ResultRow> {
  const run = await measureLoad({ ...settings, target: facade, mock, path: ROOM_LIST_PATH, pathFor: shared ? undefined : ownPage, headers: ADMIN_HEADERS });
  const row = shared
    ? loadRow('c′', `owned list, cache off, one key (coalesced)${errorsOf(run)}`, run, true)
    : loadRow('c', `owned list, cache off, a page per connection${errorsOf(run)}`, run, true);
  const cpu = run.targetCpuUsPerReq;
  const verdict = cpu <= 300 ? 'PASS' : `MISS (+${cpu - 300} µs, ${times(cpu / 300)})`;
  return { ...row, target: '≤ 300 µs CPU', verdict };
}

/** (d) the owned list on a cache hit: at least the req/s of (a). */
export async function cacheHit(facade: BenchChild, mock: MockChild, settings: LoadSettings, a: ResultRow): Promise<ResultRow> {
  const run = await measureLoad({ ...settings, target: facade, mock, path: ROOM_LIST_PATH, headers: ADMIN_HEADERS });
  const reference = a.reqPerS ?? 0;
  return atLeast(loadRow('d', `owned list, cache on${errorsOf(run)}`, run, true), reference, reference, `≥ a (${reference})`);
}

function burstRow(id: string, title: string, run: BurstRun, expected: number, exact: boolean): ResultRow {
  const upstream = run.upstream.total;
  const ok = exact ? upstream === expected : upstream <= expected;
  // Requests that are not the rooms' own (the admin gate's whoami and admin flag, for instance) are named.
  const others = Object.entries(run.upstream.byPath)
    .filter(([path]) => !path.startsWith('/_synapse/admin/v1/rooms'))
    .map(([path, count]) => `${count}× ${path}`);
  const statuses = Object.entries(run.statuses).map(([status, count]) => `${count}×${status}`).join(' ');
  return {
    id, title: `${title} [${statuses}, ${run.wallMs} ms]`, raw: run,
    p50Ms: run.p50Ms, p99Ms: run.p99Ms, facadeCpuUsPerReq: Math.round(run.facadeCpuUs / run.requests),
    upstreamRequests: upstream, cache: formatCacheHeader(run.cacheHeader),
    target: `${exact ? '=' : '≤'} ${expected} upstream`,
    verdict: `${ok ? 'PASS' : `MISS (${upstream - expected} more)`}${others.length > 0 ? `; incl. ${others.join(', ')}` : ''}`,
  };
}

/** (e) 100 identical GETs at once on an uncached key: exactly 1 upstream request. */
export async function identicalGets(facade: BenchChild, mock: MockChild): Promise<ResultRow> {
  const run = await identicalBurst(facade, mock, BURST_PATH, ADMIN_HEADERS, 100);
  return burstRow('e', '100 identical GETs at once', run, 1, true);
}

/** (f) list + 100 details, twice: ≤ 101 upstream requests the first time, 0 the second. */
export async function ketesa(facade: BenchChild, mock: MockChild): Promise<ResultRow[]> {
  const [first, second] = await ketesaPage(facade, mock, ROOM_LIST_PATH, ADMIN_HEADERS, 2);
  if (first === undefined || second === undefined) throw new Error('Ketesa page: expected two passes');
  return [
    burstRow('f1', 'Ketesa page, 1st (fresh facade)', first, 101, false),
    burstRow('f2', 'Ketesa page, 2nd (within TTL)', second, 0, true),
  ];
}
