// The room and destination index against the real Synapse: after a sweep it equals Synapse's own lists (as the
// facade normalises them), and paging it while rooms are created and deleted neither skips nor repeats a room.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { dispatch } from './support/compare.ts';

type Json = Record<string, unknown>;
let facade: TestFacade;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'facade-e2e-index-'));
  const { baseUrl, adminToken } = inject('synapse');
  // Sweeps only when asked (wake), at full speed.
  facade = await startTestFacade(baseUrl, { dataDir, facadeAdminToken: adminToken, indexRefreshMs: 3_600_000, indexMaxUpstreamShare: 1, indexPageSize: 7 });
});
afterAll(async () => {
  await facade?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(origin: string, method: string, target: string, body?: unknown, token = inject('synapse').adminToken) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const answer = await dispatch(origin, { method, target, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return answer as typeof answer & { body: Json };
}
const viaFacade = (method: string, target: string, body?: unknown) => call(facade.url, method, target, body);

async function freshRoom(name: string): Promise<string> {
  const answer = await call(inject('synapse').baseUrl, 'POST', '/_matrix/client/v3/createRoom', { preset: 'private_chat', name }, inject('synapse').userToken);
  expect(answer.status).toBe(200);
  return answer.body.room_id as string;
}

/**
 * Deletes a room through the facade (v1, synchronous). Synapse 1.163.2 on SQLite sometimes fails a purge of a
 * room it created a moment ago with `sqlite3.IntegrityError: FOREIGN KEY constraint failed` (its 500, passed
 * through as is): that is Synapse's defect, so the delete is tried again a little later, at most three times.
 */
async function deleteRoom(roomId: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const deleted = await viaFacade('DELETE', `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}`, { purge: true });
    if (deleted.status !== 500 || attempt === 3) return void expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Every item of a Synapse list through the facade's own (normalised) route, by offset pages. */
async function synapseList(path: string, key: 'rooms' | 'destinations', next: 'next_batch' | 'next_token'): Promise<Json[]> {
  const items: Json[] = [];
  let from: unknown = 0;
  for (;;) {
    const answer = await viaFacade('GET', `/_synapse/admin/v1/${path}?limit=50&from=${from}`);
    expect(answer.status).toBe(200);
    items.push(...(answer.body[key] as Json[]));
    from = answer.body[next];
    if (from === undefined || from === null) return items;
  }
}

/** Every item of an index listing, following next_cursor; `between` runs after each page. */
async function indexList(path: string, key: string, query: string, between: (page: number) => Promise<void> = async () => {}): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | undefined;
  for (let page = 0; ; page += 1) {
    const answer = await viaFacade('GET', `/_facade/v1/${path}?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    items.push(...(answer.body[key] as Json[]));
    cursor = answer.body.next_cursor as string | undefined;
    if (!cursor) return items;
    await between(page);
  }
}

const withoutTracking = ({ first_seen: _first, last_seen: _last, blocked: _blocked, ...item }: Json) => item;
const byKey = (key: string) => (a: Json, b: Json) => String(a[key]).localeCompare(String(b[key]));

describe('e2e index', () => {
  it('after a sweep, both indexes equal Synapse’s lists field for field', async () => {
    await facade.index.wake();
    const rooms = await synapseList('rooms', 'rooms', 'next_batch');
    const indexed = await indexList('rooms', 'rooms', 'limit=1000&order_by=room_id');
    expect(indexed.length).toBe(rooms.length);
    expect(indexed.map(withoutTracking).sort(byKey('room_id'))).toStrictEqual([...rooms].sort(byKey('room_id')));
    const destinations = await synapseList('federation/destinations', 'destinations', 'next_token');
    const indexedDestinations = await indexList('federation/destinations', 'destinations', 'limit=1000');
    expect(indexedDestinations.map(withoutTracking).sort(byKey('destination'))).toStrictEqual([...destinations].sort(byKey('destination')));
    const status = await viaFacade('GET', '/_facade/v1/index');
    expect(status.status).toBe(200);
  });

  it('paging while rooms are created and deleted neither skips nor repeats a room that existed throughout', async () => {
    const victims = [await freshRoom('e2e index victim 1'), await freshRoom('e2e index victim 2'), await freshRoom('e2e index victim 3')];
    await facade.index.wake();
    const before = (await indexList('rooms', 'rooms', 'limit=1000&order_by=room_id')).map((room) => room.room_id as string);
    expect(before).toEqual(expect.arrayContaining(victims));
    const created: string[] = [];
    const seen = await indexList('rooms', 'rooms', 'limit=5&order_by=name&dir=b', async (page) => {
      // Between pages: a room deleted through the facade (gone from the index at once), and a new room swept in.
      if (page < victims.length) await deleteRoom(victims[page]!);
      if (page < 3) {
        created.push(await freshRoom(`e2e index newcomer ${page}`));
        await facade.index.wake();
      }
    });
    const ids = seen.map((room) => room.room_id as string);
    expect(new Set(ids).size).toBe(ids.length);
    const throughout = before.filter((roomId) => !victims.includes(roomId));
    expect(ids.filter((roomId) => throughout.includes(roomId)).sort()).toEqual([...throughout].sort());
    // The deleted victims are gone from the index now; the newcomers are in it.
    const after = (await indexList('rooms', 'rooms', 'limit=1000&order_by=room_id')).map((room) => room.room_id as string);
    for (const victim of victims) expect(after).not.toContain(victim);
    for (const newcomer of created) expect(after).toContain(newcomer);
  });
});
