// Keyset paging of GET /_facade/v1/rooms while the index changes: a page never repeats or skips a room that
// existed for the whole paging, whatever the order, direction, filter and page size (property); paging by
// first_seen also sees every room created meanwhile, in order; prev_cursor walks back exactly.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockSynapse } from '../../src/mock/server.ts';
import type { IndexedItemInput } from '../../src/store/store.ts';
import type { TestFacade } from '../support/facade.ts';
import { keysOf, markSwept, page, roomItem, startQueryFacade, type IndexPageJson } from './support/query-harness.ts';

const ROOMS = '/_facade/v1/rooms';
let mock: MockSynapse;
let facade: TestFacade;

beforeAll(async () => {
  ({ mock, facade } = await startQueryFacade());
  await markSwept(facade, 'rooms');
});
afterAll(async () => {
  await facade?.close();
  await mock?.close();
});

/** A generated room: the fields orders and filters use, with nulls. */
interface Room {
  id: string;
  name: string | null;
  members: number | null;
  isPublic: boolean;
  encryption: string | null;
}

const roomArbitrary = fc.record({
  id: fc.stringMatching(/^![a-f]{1,3}:hs$/),
  name: fc.option(fc.constantFrom('a', 'B', 'b', 'ç', 'Ç')),
  members: fc.option(fc.integer({ min: 0, max: 3 })),
  isPublic: fc.boolean(),
  encryption: fc.option(fc.constant('m.megolm.v1.aes-sha2')),
});

/** A filter and its JavaScript model. */
const filterArbitrary = fc.constantFrom<[Record<string, string>, (room: Room) => boolean]>(
  [{}, () => true],
  [{ public: 'true' }, (room) => room.isPublic],
  [{ encrypted: 'false' }, (room) => room.encryption === null],
  [{ joined_members_min: '2' }, (room) => room.members !== null && room.members >= 2],
  [{ q: 'B' }, (room) => room.id.includes('b') || room.name === 'b' || room.name === 'B'],
);

const ORDERS = { name: (room: Room) => room.name, joined_members: (room: Room) => room.members, public: (room: Room) => (room.isPublic ? 1 : 0), room_id: (room: Room) => room.id };

/** The promised order: by the field (NULLs last in both directions), then by room ID, in `descending`. */
function compare(field: keyof typeof ORDERS | 'first_seen', descending: boolean, firstSeen: Map<string, number>) {
  const valueOf = (room: Room) => (field === 'first_seen' ? firstSeen.get(room.id)! : ORDERS[field](room));
  const sign = descending ? -1 : 1;
  return (a: Room, b: Room): number => {
    const [x, y] = [valueOf(a), valueOf(b)];
    if (x !== y) {
      if (x === null) return 1;
      if (y === null) return -1;
      return (x < y ? -1 : 1) * sign;
    }
    return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * sign;
  };
}

const itemOf = (room: Room): IndexedItemInput =>
  roomItem(room.id, { name: room.name, joined_members: room.members, public: room.isPublic, encryption: room.encryption });

/** A change between two pages: rooms created (seen now) and rooms removed. */
interface Change {
  created: Room[];
  removed: number[];
}

const changeArbitrary = fc.record({
  created: fc.array(roomArbitrary.map((room) => ({ ...room, id: room.id.replace('!', '!new') })), { maxLength: 3 }),
  removed: fc.array(fc.nat(), { maxLength: 2 }),
});

/** Empties the index between runs (the sweep record stays: the index remains "ready"). */
async function clear(keys: Iterable<string>) {
  for (const key of keys) await facade.context.store.removeIndexed('rooms', key);
}

describe('paging while rooms are created and removed between pages', () => {
  it('never repeats a room, never skips one that stayed, and keeps the promised order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(roomArbitrary, { selector: (room) => room.id, minLength: 1, maxLength: 20 }),
        fc.constantFrom<keyof typeof ORDERS | 'first_seen'>('name', 'joined_members', 'public', 'room_id', 'first_seen'),
        fc.boolean(),
        filterArbitrary,
        fc.integer({ min: 1, max: 4 }),
        fc.array(changeArbitrary, { maxLength: 8 }),
        async (initial, orderBy, descending, [filter, matches], limit, changes) => {
          const live = new Map<string, Room>();
          const known = new Map<string, Room>();
          const firstSeen = new Map<string, number>();
          const created = new Set<string>();
          let clock = 1_000;
          /** Stores the rooms never seen before (a removed room does not come back), seen one tick later than the last. */
          const create = async (rooms: Room[]) => {
            clock += 1;
            const fresh: Room[] = [];
            for (const room of rooms) {
              if (known.has(room.id)) continue;
              known.set(room.id, room);
              live.set(room.id, room);
              firstSeen.set(room.id, clock);
              fresh.push(room);
            }
            await facade.context.store.upsertIndexed('rooms', fresh.map(itemOf), clock);
            return fresh;
          };
          await create(initial);
          const stayed = new Set(live.keys());
          try {
            const query = { order_by: orderBy, dir: descending ? 'b' : 'f', limit: String(limit), ...filter };
            const seen: string[] = [];
            let answer: IndexPageJson | undefined;
            let step = 0;
            for (;;) {
              answer = await page(facade, ROOMS, { ...query, ...(answer?.next_cursor ? { cursor: answer.next_cursor } : {}) });
              seen.push(...keysOf(answer));
              if (!answer.next_cursor || seen.length > known.size) break;
              const change: Change | undefined = changes[step++];
              if (!change) continue;
              const removable = [...live.keys()];
              for (const index of change.removed) {
                const roomId = removable[index % removable.length];
                if (roomId === undefined || !live.has(roomId)) continue;
                live.delete(roomId);
                stayed.delete(roomId);
                created.delete(roomId);
                await facade.context.store.removeIndexed('rooms', roomId);
              }
              for (const room of await create(change.created)) created.add(room.id);
            }
            const rooms = seen.map((roomId) => known.get(roomId)!);
            expect(new Set(seen).size).toBe(seen.length);
            expect(rooms.every(matches)).toBe(true);
            for (const roomId of stayed) if (matches(live.get(roomId)!)) expect(seen).toContain(roomId);
            expect(rooms).toEqual([...rooms].sort(compare(orderBy, descending, firstSeen)));
            // Ascending by first_seen, every room created meanwhile comes after the position: none is missed.
            if (orderBy === 'first_seen' && !descending) for (const roomId of created) if (matches(live.get(roomId)!)) expect(seen).toContain(roomId);
            expect(answer.total).toBe([...live.values()].filter(matches).length);
          } finally {
            await clear(known.keys());
          }
        },
      ),
      { numRuns: 80, seed: 20261216 },
    );
  });

  it('order_by=first_seen sees every room present at the start, then every room created meanwhile, in creation order', async () => {
    const start = Array.from({ length: 7 }, (_, index) => roomItem(`!start${index}:hs`));
    await facade.context.store.upsertIndexed('rooms', start, 10);
    const createdMeanwhile: string[] = [];
    try {
      let answer = await page(facade, ROOMS, { order_by: 'first_seen', limit: '3' });
      const seen = keysOf(answer);
      for (let wave = 0; answer.next_cursor && wave < 20; wave += 1) {
        if (wave < 3) {
          // Created while the client pages: each wave later than everything before it.
          const arrivals = [roomItem(`!wave${wave}b:hs`), roomItem(`!wave${wave}a:hs`)];
          await facade.context.store.upsertIndexed('rooms', arrivals, 20 + wave);
          createdMeanwhile.push(`!wave${wave}a:hs`, `!wave${wave}b:hs`);
        }
        if (wave === 1) await facade.context.store.removeIndexed('rooms', '!start6:hs');
        answer = await page(facade, ROOMS, { order_by: 'first_seen', limit: '3', cursor: answer.next_cursor });
        seen.push(...keysOf(answer));
      }
      expect(seen).toEqual([...start.slice(0, 6).map((item) => item.key), ...createdMeanwhile]);
    } finally {
      await clear([...start.map((item) => item.key), ...createdMeanwhile]);
    }
  });
});

describe('prev_cursor', () => {
  it('walks back from the last page through exactly the pages walked forwards (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(roomArbitrary, { selector: (room) => room.id, minLength: 1, maxLength: 20 }),
        fc.constantFrom('name', 'joined_members', 'public', 'room_id', 'first_seen'),
        fc.boolean(),
        filterArbitrary,
        fc.integer({ min: 1, max: 5 }),
        async (rooms, orderBy, descending, [filter], limit) => {
          await facade.context.store.upsertIndexed('rooms', rooms.map(itemOf), 5);
          try {
            const query = { order_by: orderBy, dir: descending ? 'b' : 'f', limit: String(limit), ...filter };
            const forwards: IndexPageJson[] = [await page(facade, ROOMS, query)];
            expect(forwards[0]!.prev_cursor).toBeUndefined();
            // Bounded, so cursors that go round in circles fail the property instead of hanging it.
            const most = rooms.length + 1;
            while (forwards.at(-1)!.next_cursor && forwards.length <= most) forwards.push(await page(facade, ROOMS, { ...query, cursor: forwards.at(-1)!.next_cursor! }));
            const backwards: IndexPageJson[] = [forwards.at(-1)!];
            while (backwards[0]!.prev_cursor && backwards.length <= most) backwards.unshift(await page(facade, ROOMS, { ...query, cursor: backwards[0]!.prev_cursor! }));
            expect(forwards.length).toBeLessThanOrEqual(most);
            expect(backwards.map(keysOf)).toEqual(forwards.map(keysOf));
            // Each page's links lead to its neighbours, both ways.
            for (const [index, answer] of backwards.entries()) {
              expect(answer.prev_cursor === undefined).toBe(index === 0);
              expect(answer.next_cursor === undefined).toBe(index === backwards.length - 1);
            }
          } finally {
            await clear(rooms.map((room) => room.id));
          }
        },
      ),
      { numRuns: 60, seed: 20261217 },
    );
  });
});
