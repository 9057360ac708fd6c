// The mock-backed scenarios: 100 identical GETs at once (coalescing) and Ketesa's page (list + details), each judged
// by how many requests reached the mock.
import { DEFAULT_ADMIN_TOKEN } from '../src/mock/constants.ts';
import type { BenchChild, MockChild } from './processes.ts';
import { identicalBurst, ketesaPage, type BurstRun } from './bursts.ts';
import { formatCacheHeader, type ResultRow } from './report.ts';

export const ADMIN_HEADERS = { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` };
/** The owned 100-room page (34 KB from the mock, like the baseline's). */
export const ROOM_LIST_PATH = '/_synapse/admin/v1/rooms?limit=100';
/** The same list under another key, used only by (e), so it is uncached when the burst starts. */
const BURST_PATH = '/_synapse/admin/v1/rooms?limit=100&order_by=joined_members';

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
