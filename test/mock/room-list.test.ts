// GET /_synapse/admin/v1/rooms: ordering (base directions, room_id tiebreak, NULLs), filters and paging integers.
import { describe, it, expect } from 'vitest';
import { call, useMockSynapse } from './support.ts';
import { BIG_ROOM_ID, EMPTY_ROOM_ID } from '../../src/mock/fixtures.ts';

const mock = useMockSynapse();
type ListRoom = { room_id: string; name: string | null; joined_members: number; version: string; public: boolean | number };
const list = async (query: string): Promise<{ status: number; body: Record<string, unknown>; rooms: ListRoom[] }> => {
  const res = await call(mock(), 'GET', `/_synapse/admin/v1/rooms?${query}`);
  return { ...res, rooms: (res.body.rooms ?? []) as ListRoom[] };
};
const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('rooms list ordering', () => {
  it('sorts by name ascending, NULL names first, then room_id ascending', async () => {
    const { rooms } = await list('limit=1000');
    const firstNamed = rooms.findIndex((room) => room.name !== null);
    expect(firstNamed).toBeGreaterThan(0);
    expect(rooms.slice(firstNamed).every((room) => room.name !== null)).toBe(true);
    const nullIds = rooms.slice(0, firstNamed).map((room) => room.room_id);
    expect(nullIds).toEqual([...nullIds].sort((a, b) => Buffer.compare(bytes(a), bytes(b))));
    for (let i = firstNamed + 1; i < rooms.length; i++) {
      expect(Buffer.compare(bytes(rooms[i - 1]?.name ?? ''), bytes(rooms[i]?.name ?? ''))).toBeLessThanOrEqual(0);
    }
  });

  it('sorts size descending by default and flips with dir=b, tiebreak following the direction', async () => {
    const { rooms } = await list('order_by=size&limit=1000');
    expect(rooms[0]?.room_id).toBe(BIG_ROOM_ID);
    const reversed = (await list('order_by=size&limit=1000&dir=b')).rooms;
    expect(reversed.map((room) => room.room_id)).toEqual(rooms.map((room) => room.room_id).reverse());
  });

  it('sorts version as text descending ("9" before "12")', async () => {
    const versions = (await list('order_by=version&limit=1000')).rooms.map((room) => room.version);
    expect(versions[0]).toBe('9');
    expect(versions.indexOf('12')).toBeGreaterThan(versions.lastIndexOf('2'));
  });

  it('rejects an unknown order_by listing the allowed values in order', async () => {
    const res = await list('order_by=bogus');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("Query parameter 'order_by' must be one of ['alphabetical', 'size', 'name', 'canonical_alias', 'joined_members', 'joined_local_members', 'version', 'creator', 'encryption', 'federatable', 'public', 'join_rules', 'guest_access', 'history_visibility', 'state_events']");
  });
});

describe('rooms list filters', () => {
  it('refuses an empty search_term', async () => {
    expect((await list('search_term=')).body).toEqual({ errcode: 'M_INVALID_PARAM', error: 'search_term cannot be an empty string' });
  });

  it('matches names case-insensitively, alias localparts, and exact room IDs', async () => {
    expect((await list('search_term=LOBBY')).rooms.map((room) => room.room_id)).toEqual([BIG_ROOM_ID]);
    expect((await list(`search_term=${encodeURIComponent(EMPTY_ROOM_ID)}`)).rooms.map((room) => room.room_id)).toEqual([EMPTY_ROOM_ID]);
    expect((await list(`search_term=${encodeURIComponent(EMPTY_ROOM_ID.toUpperCase())}`)).rooms).toEqual([]);
  });

  it('filters public and empty rooms', async () => {
    const published = (await list('public_rooms=true&limit=1000')).rooms;
    expect(published.length).toBeGreaterThan(0);
    expect(published.every((room) => room.public === true || room.public === 1)).toBe(true);
    const empty = (await list('empty_rooms=true&limit=1000')).rooms;
    expect(empty.map((room) => room.room_id)).toContain(EMPTY_ROOM_ID);
    expect(empty.every((room) => room.joined_members === 0)).toBe(true);
    expect((await list('empty_rooms=yes')).body.error).toBe("Boolean query parameter 'empty_rooms' must be one of ['true', 'false']");
  });
});

describe('rooms list paging', () => {
  it('returns integer offset, next_batch and prev_batch as Synapse computes them', async () => {
    const { body } = await list('from=5&limit=3');
    expect(body).toMatchObject({ offset: 5, next_batch: 8, prev_batch: 2 });
    expect(typeof body.total_rooms).toBe('number');
    expect((await list('from=2&limit=3')).body.prev_batch).toBe(0);
    expect((await list('limit=3')).body.prev_batch).toBeUndefined();
  });

  it('gives next_batch = from with limit=0 (endless loop hazard)', async () => {
    const { body } = await list('from=4&limit=0');
    expect(body).toMatchObject({ rooms: [], offset: 4, next_batch: 4 });
  });

  it('omits next_batch on the last page', async () => {
    const total = (await list('limit=1')).body.total_rooms as number;
    expect((await list(`from=${total - 2}&limit=5`)).body.next_batch).toBeUndefined();
  });
});
