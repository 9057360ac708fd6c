// The sweeper tests' harness: the mock Synapse (optionally behind a proxy), a facade in front of it, and small
// readers of the index (rows from the store, the status and summary endpoints, Synapse's own lists).
import { DEFAULT_ADMIN_TOKEN } from '../../../src/mock/server.ts';
import type { IndexKind, IndexedRow } from '../../../src/store/store.ts';
import type { IndexStatusOut, IndexSummaryOut } from '../../../schemas/index-status.ts';
import type { TestFacade } from '../../support/facade.ts';
import { api } from '../../jobs/support/jobs-client.ts';

/** Every row of an index, by key order, straight from the store. */
export async function indexedRows(facade: TestFacade, kind: IndexKind): Promise<IndexedRow[]> {
  return facade.context.store.queryIndex({ kind, filter: {}, orderBy: kind === 'rooms' ? 'room_id' : 'destination', descending: false, limit: 100_000 });
}

/** One room's row, or undefined when the index does not have it. */
export async function indexedRoom(facade: TestFacade, roomId: string): Promise<IndexedRow | undefined> {
  const [row] = await facade.context.store.queryIndex({ kind: 'rooms', filter: { equals: { room_id: roomId } }, orderBy: 'room_id', descending: false, limit: 1 });
  return row;
}

/** GET /_facade/v1/index as the mock's admin. */
export async function indexStatus(facade: TestFacade): Promise<IndexStatusOut> {
  const { status, body } = await api<IndexStatusOut>(facade.url, 'GET', '/_facade/v1/index');
  if (status !== 200) throw new Error(`GET /_facade/v1/index answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** GET /_facade/v1/summary as the mock's admin. */
export async function indexSummary(facade: TestFacade): Promise<IndexSummaryOut> {
  const { status, body } = await api<IndexSummaryOut>(facade.url, 'GET', '/_facade/v1/summary');
  if (status !== 200) throw new Error(`GET /_facade/v1/summary answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** A whole list as an admin gets it from `baseUrl` (the mock itself, or the facade's owned route), in one page. */
export async function wholeList<T>(baseUrl: string, kind: IndexKind): Promise<T[]> {
  const path = kind === 'rooms' ? '/_synapse/admin/v1/rooms' : '/_synapse/admin/v1/federation/destinations';
  const response = await fetch(`${baseUrl}${path}?limit=100000`, { headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` } });
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  const body = (await response.json()) as { rooms?: T[]; destinations?: T[] };
  return (kind === 'rooms' ? body.rooms : body.destinations) ?? [];
}

/** Whether a request the mock (or a proxy) saw is one of the sweeper's list pages. */
export const isSweepPage = (method: string, url: string): boolean =>
  method === 'GET' && /^\/_synapse\/admin\/v1\/(?:rooms|federation\/destinations)\?limit=\d+&from=/.test(url);

/** The samples of one metric in a Prometheus text, by their label text (`{kind="total"}`, or `` without labels). */
export function samplesOf(text: string, name: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (match) samples.set(match[1] ?? '', Number(match[2]));
  }
  return samples;
}
