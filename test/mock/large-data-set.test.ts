// A larger mock data set (roomCount, destinationCount, MOCK_ROOM_COUNT): the default set inside it unchanged, generated
// rooms whose listed columns do not move when their events are built, and a room list that follows every change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { hasEvents } from '../../src/mock/data/lazy-rooms.ts';
import { roomCountFromEnv } from '../../src/mock/room-count.ts';
import * as F from '../../src/mock/fixtures.ts';
import { call, enc } from './support.ts';

const clock = () => 1_800_000_000_000;
type Item = Record<string, unknown> & { room_id: string };
let small: MockSynapse;
let large: MockSynapse;

beforeAll(async () => {
  small = await startMockSynapse({ clock });
  large = await startMockSynapse({ clock, roomCount: 3_000, destinationCount: 300 });
});
afterAll(async () => {
  await small?.close();
  await large?.close();
});

async function wholeList(mock: MockSynapse, query = ''): Promise<{ rooms: Item[]; total: number }> {
  const { status, body } = await call(mock, 'GET', `/_synapse/admin/v1/rooms?limit=100000${query}`);
  expect(status).toBe(200);
  return { rooms: body.rooms as Item[], total: body.total_rooms as number };
}

const byId = (rooms: Item[]) => new Map(rooms.map((room) => [room.room_id, room]));

describe('a larger data set', () => {
  it('has exactly the rooms and destinations asked for', async () => {
    expect((await wholeList(large)).total).toBe(3_000);
    expect(large.state.rooms.size).toBe(3_000);
    expect((await call(large, 'GET', '/_synapse/admin/v1/federation/destinations?limit=1')).body.total).toBe(300);
  });

  it('keeps the default data set inside it: every default room and destination answers as before', async () => {
    const defaults = (await wholeList(small)).rooms;
    const inLarge = byId((await wholeList(large)).rooms);
    expect(defaults).toHaveLength(164);
    for (const room of defaults) {
      expect(inLarge.get(room.room_id)).toEqual(room);
      for (const tail of ['', '/state', '/messages?dir=b&limit=5']) {
        const path = `/_synapse/admin/v1/rooms/${enc(room.room_id)}${tail}`;
        expect([path, (await call(large, 'GET', path)).body]).toEqual([path, (await call(small, 'GET', path)).body]);
      }
    }
    const destinations = (mock: MockSynapse) => call(mock, 'GET', '/_synapse/admin/v1/federation/destinations?limit=1000').then((answer) => answer.body.destinations as Array<{ destination: string }>);
    const largeDestinations = new Map((await destinations(large)).map((row) => [row.destination, row]));
    for (const row of await destinations(small)) {
      expect(largeDestinations.get(row.destination)).toEqual(row);
      const path = `/_synapse/admin/v1/federation/destinations/${enc(row.destination)}/rooms?limit=100`;
      expect((await call(large, 'GET', path)).body).toEqual((await call(small, 'GET', path)).body);
    }
  });

  it('refuses fewer rooms or destinations than the default data set has', async () => {
    await expect(startMockSynapse({ roomCount: 100 })).rejects.toThrow(/roomCount must be an integer of at least 164/);
    await expect(startMockSynapse({ destinationCount: 10 })).rejects.toThrow(/destinationCount must be an integer of at least 46/);
  });
});

describe('generated rooms built on first read', () => {
  it('list the same columns before and after their events exist, and their details agree', async () => {
    const mock = await startMockSynapse({ clock, roomCount: 1_000 });
    try {
      const before = await wholeList(mock);
      const extra = [...mock.state.rooms.values()].filter((room) => !hasEvents(room));
      expect(extra).toHaveLength(1_000 - 164);
      const sample = extra[7]!;
      const details = (await call(mock, 'GET', `/_synapse/admin/v1/rooms/${enc(sample.roomId)}`)).body;
      expect(details).toMatchObject(byId(before.rooms).get(sample.roomId)!);
      for (const room of extra) expect(room.timeline.length).toBeGreaterThan(0);
      expect([...mock.state.rooms.values()].every(hasEvents)).toBe(true);
      expect(await wholeList(mock)).toEqual(before);
      expect(await wholeList(mock, '&order_by=state_events')).toEqual(await wholeList(mock, '&order_by=state_events'));
    } finally {
      await mock.close();
    }
  });

  it('get the same events whatever order the rooms are read in', async () => {
    const [forward, backward] = await Promise.all([startMockSynapse({ roomCount: 400 }), startMockSynapse({ roomCount: 400 })]);
    try {
      const ids = [...forward.state.rooms.keys()];
      const history = (mock: MockSynapse, roomId: string) =>
        mock.state.rooms.get(roomId)!.timeline.map((event) => [event.eventId, event.type, event.sender, event.stateKey, event.content]);
      const read = (mock: MockSynapse, order: string[]) => new Map(order.map((roomId) => [roomId, history(mock, roomId)]));
      expect(read(backward, [...ids].reverse())).toEqual(read(forward, ids));
    } finally {
      await Promise.all([forward.close(), backward.close()]);
    }
  });

  it('are never built to look for an event: /context of an unknown event leaves them unread', async () => {
    const unread = () => [...large.state.rooms.values()].filter((room) => !hasEvents(room)).length;
    const [first, second] = [...large.state.rooms.values()].filter((room) => !hasEvents(room));
    const before = unread();
    const missing = await call(large, 'GET', `/_synapse/admin/v1/rooms/${enc(first!.roomId)}/context/${enc('$unknownEvent')}`);
    expect(missing.status).toBe(404);
    expect(unread()).toBe(before);
    // Once a room was read, its events are found.
    const messages = (await call(large, 'GET', `/_synapse/admin/v1/rooms/${enc(second!.roomId)}/messages?dir=b&limit=1`)).body.chunk as Array<{ event_id: string }>;
    const found = await call(large, 'GET', `/_synapse/admin/v1/rooms/${enc(second!.roomId)}/context/${enc(messages[0]!.event_id)}`);
    expect(found.status).toBe(200);
    expect(unread()).toBe(before - 1);
  });
});

describe('the room list between two identical requests', () => {
  it('follows a purge, a kick and a room removed from the state directly', async () => {
    const mock = await startMockSynapse({ clock });
    try {
      const first = await wholeList(mock);
      await call(mock, 'DELETE', `/_synapse/admin/v1/rooms/${enc(F.EMPTY_ROOM_ID)}`, { body: {} });
      const purged = await wholeList(mock);
      expect(purged.total).toBe(first.total - 1);
      expect(byId(purged.rooms).has(F.EMPTY_ROOM_ID)).toBe(false);
      expect(byId(purged.rooms).get(F.BIG_ROOM_ID)?.joined_local_members).toBe(40);
      // A shutdown without purge kicks the local members: the room stays, its local count drops.
      await call(mock, 'DELETE', `/_synapse/admin/v1/rooms/${enc(F.BIG_ROOM_ID)}`, { body: { purge: false } });
      const kicked = await wholeList(mock);
      expect(byId(kicked.rooms).get(F.BIG_ROOM_ID)?.joined_local_members).toBe(0);
      mock.state.rooms.delete(F.SPACE_ROOM_ID);
      const removed = await wholeList(mock);
      expect(removed.total).toBe(first.total - 2);
      expect(byId(removed.rooms).has(F.SPACE_ROOM_ID)).toBe(false);
    } finally {
      await mock.close();
    }
  });
});

describe('MOCK_ROOM_COUNT', () => {
  it('reads a whole number (with _ separators), nothing for unset or empty, and refuses anything else', () => {
    expect(roomCountFromEnv({})).toBeUndefined();
    expect(roomCountFromEnv({ MOCK_ROOM_COUNT: '' })).toBeUndefined();
    expect(roomCountFromEnv({ MOCK_ROOM_COUNT: '100_000' })).toBe(100_000);
    expect(roomCountFromEnv({ MOCK_ROOM_COUNT: ' 2000 ' })).toBe(2_000);
    for (const text of ['lots', '1e5', '-5', '2.5', '1__0']) expect(() => roomCountFromEnv({ MOCK_ROOM_COUNT: text })).toThrow(RangeError);
  });
});
