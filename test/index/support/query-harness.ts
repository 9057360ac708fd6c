// The query and export tests' harness: a facade whose index only the test fills (its sweeper stopped), rows built
// as the normaliser writes them, sweeps marked complete, and the index endpoints read as the mock's admin.
import { expect } from 'vitest';
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../../src/mock/server.ts';
import { normaliseRoomListItem } from '../../../src/normalise/rooms.ts';
import type { IndexedItemInput, IndexKind } from '../../../src/store/store.ts';
import type { RoomListItem } from '../../../schemas/rooms.ts';
import { startTestFacade, type TestFacade } from '../../support/facade.ts';

/** A mock Synapse and a facade in front of it whose index is the test's alone. */
export async function startQueryFacade(): Promise<{ mock: MockSynapse; facade: TestFacade }> {
  const mock = await startMockSynapse();
  const facade = await startTestFacade(mock.url);
  // The sweeper would fill the index from the mock as soon as an admin comes by; these tests fill it themselves.
  await facade.index.stop();
  return { mock, facade };
}

/** A room list item as the normaliser writes it; `fields` override the defaults. */
export function roomItem(roomId: string, fields: Partial<Record<string, unknown>> = {}): IndexedItemInput {
  const item = normaliseRoomListItem({
    room_id: roomId,
    name: null,
    canonical_alias: null,
    joined_members: 2,
    joined_local_members: 1,
    version: '10',
    creator: '@alice:hs.example',
    encryption: null,
    federatable: true,
    public: false,
    join_rules: 'invite',
    guest_access: null,
    history_visibility: 'shared',
    state_events: 8,
    room_type: null,
    ...fields,
  } as RoomListItem);
  return { key: roomId, item };
}

/** A destination list item as the normaliser writes it. */
export function destinationItem(destination: string, fields: Partial<Record<string, unknown>> = {}): IndexedItemInput {
  return { key: destination, item: { destination, retry_last_ts: 0, retry_interval: 0, failure_ts: null, last_successful_stream_ordering: null, ...fields } };
}

/** Records a complete sweep finished at `finishedAt` (started at 0, so it counts no row missed). */
export async function markSwept(facade: TestFacade, kind: IndexKind, finishedAt = Date.now()): Promise<void> {
  await facade.context.store.finishIndexSweep({ kind, startedAt: 0, finishedAt, complete: true, upstreamRequests: 0, rows: 0 });
}

/** Stores `items` as seen at `seenAt` and marks the index swept. */
export async function fillIndex(facade: TestFacade, kind: IndexKind, items: readonly IndexedItemInput[], seenAt = Date.now()): Promise<void> {
  await facade.context.store.upsertIndexed(kind, items, seenAt);
  await markSwept(facade, kind);
}

/** An answer as a test reads it. */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

/** GET `path` with `query` as `token` (default the mock's admin). */
export async function get<T = Record<string, unknown>>(facade: TestFacade, path: string, query: Record<string, string> = {}, token: string | null = DEFAULT_ADMIN_TOKEN): Promise<Answer<T>> {
  const search = new URLSearchParams(query).toString();
  const response = await fetch(`${facade.url}${path}${search ? `?${search}` : ''}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const text = await response.text();
  let json = {} as T;
  try {
    json = JSON.parse(text) as T;
  } catch {
    // NDJSON or CSV: the test reads the text.
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A page of the room or destination listing. */
export interface IndexPageJson {
  rooms?: Array<Record<string, unknown>>;
  destinations?: Array<Record<string, unknown>>;
  total: number;
  next_cursor?: string;
  prev_cursor?: string;
}

/** GET a listing page; fails the test unless it answers 200. */
export async function page(facade: TestFacade, path: string, query: Record<string, string>): Promise<IndexPageJson> {
  const answer = await get<IndexPageJson>(facade, path, query);
  expect(answer.status, answer.text).toBe(200);
  return answer.json;
}

/** The keys of a page's items. */
export const keysOf = (answer: IndexPageJson): string[] =>
  (answer.rooms ?? answer.destinations ?? []).map((item) => String(item.room_id ?? item.destination));

/** Fills the room index from the mock's own room list (every room, normalised as a sweep stores it). */
export async function indexMockRooms(facade: TestFacade, mock: MockSynapse): Promise<IndexedItemInput[]> {
  const response = await fetch(`${mock.url}/_synapse/admin/v1/rooms?limit=100000`, { headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` } });
  const { rooms } = (await response.json()) as { rooms: RoomListItem[] };
  const items = rooms.map((room) => ({ key: room.room_id, item: normaliseRoomListItem(room) }));
  await fillIndex(facade, 'rooms', items);
  return items;
}
