// The index at scale (issue 16 req. 10): one sweep of the mock's 100,000 rooms fills it completely; filtered counts
// agree with Synapse's own; the export streams every room without holding them; keyset paging sees each room once,
// also while rooms come and go. Behaviour only: the timings are `npm run bench:index`'s.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import type { IndexedItemInput } from '../../src/store/store.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { api } from '../jobs/support/jobs-client.ts';

const ROOMS = 100_000;
const DESTINATIONS = 2_000;
const HEADERS = { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` };
let mock: MockSynapse;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse({ roomCount: ROOMS, destinationCount: DESTINATIONS });
  // The first sweep starts with the facade; a long refresh keeps it the only one.
  facade = await startTestFacade(mock.url, { facadeAdminToken: DEFAULT_ADMIN_TOKEN, indexMaxUpstreamShare: 1, indexRefreshMs: 3_600_000, logLevel: 'warn' });
  while (!(await facade.context.store.lastIndexSweep('destinations'))) await new Promise((resolve) => setTimeout(resolve, 100));
}, 180_000);
afterAll(async () => {
  await facade?.close();
  await mock?.close();
});

type Page = { rooms: Array<{ room_id: string }>; total: number; next_cursor?: string };
const roomsPage = async (query: string) => {
  const { status, body } = await api<Page>(facade.url, 'GET', `/_facade/v1/rooms?${query}`);
  expect([query, status]).toEqual([query, 200]);
  return body;
};
const synapseTotal = async (query: string) =>
  (await (await fetch(`${mock.url}/_synapse/admin/v1/rooms?limit=1&${query}`, { headers: HEADERS })).json() as { total_rooms: number }).total_rooms;

/** An order-independent fingerprint of room IDs, taken one at a time (a repeat and a miss would have to cancel out). */
class Fingerprint {
  count = 0;
  sum = 0;
  add(roomId: string): void {
    let hash = 0x811c9dc5;
    for (let i = 0; i < roomId.length; i++) hash = Math.imul(hash ^ roomId.charCodeAt(i), 0x01000193);
    this.sum = (this.sum + (hash >>> 0)) % 2 ** 48;
    this.count += 1;
  }
}
const fingerprintOf = (roomIds: Iterable<string>) => {
  const fingerprint = new Fingerprint();
  for (const roomId of roomIds) fingerprint.add(roomId);
  return fingerprint;
};

describe('one sweep of 100,000 rooms', () => {
  it('indexes every room and destination in 100 + 2 pages of 1000', async () => {
    expect(await facade.context.store.countIndex('rooms', {})).toBe(ROOMS);
    expect(await facade.context.store.countIndex('destinations', {})).toBe(DESTINATIONS);
    expect(await facade.context.store.lastIndexSweep('rooms')).toMatchObject({ complete: true, rows: ROOMS, upstreamRequests: 100, removed: 0 });
    expect(await facade.context.store.lastIndexSweep('destinations')).toMatchObject({ complete: true, rows: DESTINATIONS, upstreamRequests: 2 });
    expect((await roomsPage('limit=1')).total).toBe(ROOMS);
  });

  it("answers filtered and searched totals equal to Synapse's own counts", async () => {
    const published = (await roomsPage('public=true&limit=1')).total;
    expect(published).toBe(await synapseTotal('public_rooms=true'));
    expect(published).toBeGreaterThan(1_000);
    const searched = (await roomsPage(`q=${encodeURIComponent('Zürich')}&limit=1`)).total;
    expect(searched).toBe(await synapseTotal(`search_term=${encodeURIComponent('Zürich')}`));
    expect(searched).toBeGreaterThan(1_000);
    // Upper case finds the same rooms: the index folds case the Unicode way.
    expect((await roomsPage(`q=${encodeURIComponent('ZÜRICH')}&limit=1`)).total).toBe(searched);
  });
});

describe('the NDJSON export of 100,000 rooms', () => {
  it('streams every room exactly once while the memory it holds stays flat', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // JavaScript objects and strings, plus Buffers (a body queued for the socket would be one).
    const held = () => {
      gc();
      const { heapUsed, arrayBuffers } = process.memoryUsage();
      return heapUsed + arrayBuffers;
    };
    const baseline = held();
    let peak = 0;
    const sample = () => {
      peak = Math.max(peak, held() - baseline);
    };
    const response = await fetch(`${facade.url}/_facade/v1/rooms/export?format=ndjson`, { headers: HEADERS });
    expect(response.status).toBe(200);
    sample();
    // Each room ID is folded into a fingerprint as it comes, so the test itself holds nothing either.
    const seen = new Fingerprint();
    let partial = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      const lines = (partial + decoder.decode(chunk, { stream: true })).split('\n');
      partial = lines.pop() ?? '';
      const before = seen.count;
      for (const line of lines) seen.add((JSON.parse(line) as { room_id: string }).room_id);
      if (Math.floor(seen.count / 25_000) > Math.floor(before / 25_000)) sample();
    }
    expect(partial).toBe('');
    expect(seen).toEqual(fingerprintOf(mock.state.rooms.keys()));
    // The export is 44 MB of text: held at once, it alone would exceed this.
    expect(peak).toBeLessThan(32 * 1024 * 1024);
  }, 60_000);
});

describe('a keyset walk over 100,000 rooms, 1000 at a time', () => {
  async function walk(query: string, between?: (page: number) => Promise<void>): Promise<{ keys: string[]; pages: number }> {
    const keys: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await roomsPage(`${query}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      keys.push(...page.rooms.map((room) => room.room_id));
      pages += 1;
      cursor = page.next_cursor;
      await between?.(pages);
    } while (cursor);
    return { keys, pages };
  }

  it('sees each room once, in 100 pages', async () => {
    const { keys, pages } = await walk('order_by=name');
    expect(pages).toBe(100);
    expect(keys).toHaveLength(ROOMS);
    expect(new Set(keys)).toEqual(new Set(mock.state.rooms.keys()));
  }, 60_000);

  it('sees each room that stays exactly once while rooms are removed and added between pages', async () => {
    const store = facade.context.store;
    const original = [...mock.state.rooms.keys()];
    const removed = new Set<string>();
    const added: string[] = [];
    // Many ties (joined_members is small): only the room ID keeps the pages apart.
    const { keys } = await walk('order_by=joined_members&dir=b', async (page) => {
      for (let i = 0; i < 5; i++) {
        const roomId = original[(page * 7_919 + i * 104_729) % original.length]!;
        removed.add(roomId);
        await store.removeIndexed('rooms', roomId);
      }
      const fresh: IndexedItemInput[] = Array.from({ length: 5 }, (_, i) => {
        const roomId = `!added${page}x${i}:mock.example`;
        added.push(roomId);
        return { key: roomId, item: { room_id: roomId, name: `added ${page}`, joined_members: (page + i) % 30, joined_local_members: 1 } };
      });
      await store.upsertIndexed('rooms', fresh, Date.now());
    });
    const seen = new Set(keys);
    expect(seen.size).toBe(keys.length);
    expect(removed.size).toBeGreaterThan(400);
    expect(original.filter((roomId) => !removed.has(roomId) && !seen.has(roomId))).toEqual([]);
    const known = new Set([...original, ...added]);
    expect(keys.filter((roomId) => !known.has(roomId))).toEqual([]);
  }, 60_000);
});
