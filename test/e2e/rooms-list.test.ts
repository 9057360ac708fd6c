// GET /v1/rooms through the facade vs Synapse: every order_by, both dirs, every filter, pages.
import { describe, expect, inject, it } from 'vitest';
import { ROOM_ORDER_BY } from '../../schemas/rooms.ts';
import { admin, expectSameSuccess, useFacade } from './support/compare.ts';
import { roomList } from './support/expected.ts';

useFacade();
const list = (query: string) => expectSameSuccess({ target: admin(`/v1/rooms?${query}`) }, roomList);

describe('e2e rooms list', () => {
  it.each(ROOM_ORDER_BY)('order_by=%s in both directions, default and small pages', async (orderBy) => {
    for (const dir of ['f', 'b']) {
      const all = await list(`order_by=${orderBy}&dir=${dir}`);
      expect((all.rooms as unknown[]).length).toBeGreaterThanOrEqual(13);
      await list(`order_by=${orderBy}&dir=${dir}&limit=5&from=5`);
    }
  });

  it('walks every page with limit=4 by the facade’s next_token until it is gone', async () => {
    let from = '0';
    const seen: string[] = [];
    for (let page = 0; page < 100; page++) {
      const synapseBody = await list(`limit=4&from=${from}`);
      seen.push(...(synapseBody.rooms as { room_id: string }[]).map((r) => r.room_id));
      if (synapseBody.next_batch === undefined) break;
      from = String(synapseBody.next_batch);
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(Object.values(inject('synapseSeed').rooms)));
  });

  it('limit=0 (next_batch that does not advance), a page past the end, from without limit', async () => {
    const zero = await list('limit=0');
    expect(zero.next_batch).toBe(0);
    await list('limit=0&from=3');
    const past = await list('from=100000&limit=10');
    expect(past.rooms).toEqual([]);
    await list('from=2');
    await list('from=1&limit=1');
  });

  it('search_term by name, alias fragment, exact room ID (v12 and v11 form), no match, non-ASCII', async () => {
    const { rooms, aliases } = inject('synapseSeed');
    for (const term of ['seed', 'Seed', 'topic', 'seed-old', rooms.history, rooms.roomVersion11, 'nothing-matches', 'é', '%', '_']) {
      const body = await list(`search_term=${encodeURIComponent(term)}`);
      if (term === rooms.history || term === rooms.roomVersion11) expect(body.total_rooms).toBe(1);
    }
    expect(Object.keys(aliases).length).toBeGreaterThan(0);
  });

  it('public_rooms and empty_rooms, alone and combined with search and order', async () => {
    for (const pub of ['true', 'false']) {
      for (const empty of ['true', 'false']) {
        await list(`public_rooms=${pub}`);
        await list(`empty_rooms=${empty}`);
        await list(`public_rooms=${pub}&empty_rooms=${empty}&order_by=joined_members&dir=b`);
      }
    }
  });

  it('query quirks Synapse accepts: `;` separators, repeated keys (first wins), `+` and `1_0` integers', async () => {
    await list('limit=3;from=2');
    await list('limit=2&limit=50&order_by=size&order_by=name&from=1&from=x');
    await list('limit=1_0&from=+1');
    await list('limit=%205%20');
    await list('%6Cimit=3');
    await list('raw&limit=2');
  });
});
