// GET /_facade/v1/rooms: rooms from the index — a case-insensitive Unicode search, every filter, every order with
// NULLs last both ways, the total, the index's age, cursors bound to their query — while Synapse's own
// GET /_synapse/admin/v1/rooms stays Synapse's answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexedRoomOut, roomIndexPage } from '../../schemas/index-query.ts';
import { DEFAULT_USER_TOKEN, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { fillIndex, get, keysOf, markSwept, page, roomItem, startQueryFacade } from './support/query-harness.ts';

const ROOMS = '/_facade/v1/rooms';
let mock: MockSynapse;
let facade: TestFacade;

const ITEMS = [
  roomItem('!a:hs', {
    name: 'Ärger Café',
    encryption: 'm.megolm.v1.aes-sha2',
    public: true,
    joined_members: 10,
    joined_local_members: 3,
    creator: '@bob:hs',
    join_rules: 'public',
    guest_access: 'can_join',
    history_visibility: 'world_readable',
    state_events: 30,
  }),
  roomItem('!b:hs', { name: 'beta', canonical_alias: '#Beta-Alias:hs', room_type: 'm.space', joined_members: 5, joined_local_members: 0, version: '11', federatable: false }),
  roomItem('!c:hs', { joined_members: null, joined_local_members: null, creator: '', state_events: 4 }),
  roomItem('!d:hs', { name: 'ＤＥＬＴＡ', joined_members: 7, joined_local_members: 2, state_events: 100 }),
  roomItem('!e:hs', { name: 'echo', joined_members: 1, joined_local_members: 1 }),
];

beforeAll(async () => {
  ({ mock, facade } = await startQueryFacade());
  await fillIndex(facade, 'rooms', ITEMS);
  await facade.context.store.setRoomBlocked('!e:hs', true);
  await facade.context.store.setRoomBlocked('!a:hs', false);
});
afterAll(async () => {
  await facade?.close();
  await mock?.close();
});

const roomIds = async (query: Record<string, string>) => keysOf(await page(facade, ROOMS, { order_by: 'room_id', ...query }));

describe('q', () => {
  it.each([
    ['ärger', ['!a:hs']],
    ['ÄRGER CAFÉ', ['!a:hs']],
    ['delta', ['!d:hs']], // full-width letters match their ASCII forms (NFKC)
    ['beta-alias', ['!b:hs']], // the canonical alias
    ['!c:', ['!c:hs']], // the room ID
    ['@BOB', ['!a:hs']], // the creator
    ['cafe', []], // an accent is a different letter
    ['%', []], // LIKE's wildcards are plain characters
    ['', ['!a:hs', '!b:hs', '!c:hs', '!d:hs', '!e:hs']],
  ])('q=%j matches %j, case-insensitively over name, alias, room ID and creator', async (q, expected) => {
    expect(await roomIds({ q })).toEqual(expected);
  });
});

describe('filters', () => {
  it.each([
    [{ empty: 'true' }, ['!b:hs']],
    [{ empty: 'false' }, ['!a:hs', '!d:hs', '!e:hs']], // a room without a count is neither
    [{ public: 'true' }, ['!a:hs']],
    [{ public: 'false' }, ['!b:hs', '!c:hs', '!d:hs', '!e:hs']],
    [{ encrypted: 'true' }, ['!a:hs']],
    [{ encrypted: 'false' }, ['!b:hs', '!c:hs', '!d:hs', '!e:hs']],
    [{ room_type: 'm.space' }, ['!b:hs']],
    [{ room_type: '' }, ['!a:hs', '!c:hs', '!d:hs', '!e:hs']],
    [{ join_rules: 'public' }, ['!a:hs']],
    [{ guest_access: 'can_join' }, ['!a:hs']],
    [{ guest_access: '' }, ['!b:hs', '!c:hs', '!d:hs', '!e:hs']],
    [{ history_visibility: 'world_readable' }, ['!a:hs']],
    [{ federatable: 'false' }, ['!b:hs']],
    [{ version: '11' }, ['!b:hs']],
    [{ creator: '@bob:hs' }, ['!a:hs']],
    [{ creator: '' }, ['!c:hs']], // Synapse's empty creator is stored as null
    [{ blocked: 'true' }, ['!e:hs']],
    [{ blocked: 'false' }, ['!a:hs']], // rooms the facade knows nothing about match neither
    [{ joined_members_min: '5', joined_members_max: '7' }, ['!b:hs', '!d:hs']],
    [{ joined_local_members_min: '2' }, ['!a:hs', '!d:hs']],
    [{ joined_local_members_max: '1' }, ['!b:hs', '!e:hs']],
    [{ state_events_min: '30', state_events_max: '100' }, ['!a:hs', '!d:hs']],
    [{ public: 'false', empty: 'false' }, ['!d:hs', '!e:hs']],
    [{ empty: 'true', joined_local_members_min: '1' }, []],
    [{ empty: 'false', joined_local_members_max: '2' }, ['!d:hs', '!e:hs']],
  ])('%j keeps %j (filters combine with AND)', async (query, expected) => {
    const answer = await page(facade, ROOMS, { order_by: 'room_id', ...query });
    expect(keysOf(answer)).toEqual(expected);
    expect(answer.total).toBe(expected.length);
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '1001' }, 'limit'],
    [{ order_by: 'size' }, 'order_by'],
    [{ dir: 'x' }, 'dir'],
    [{ public: 'yes' }, 'public'],
    [{ joined_members_min: '-1' }, 'joined_members_min'],
  ])('%j is refused with 400 M_INVALID_PARAM naming %s', async (query, name) => {
    const answer = await get(facade, ROOMS, query);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ errcode: 'M_INVALID_PARAM' });
    expect(answer.json.error).toContain(`'${name}'`);
  });
});

describe('order', () => {
  it.each([
    [{ order_by: 'name' }, ['!b:hs', '!e:hs', '!a:hs', '!d:hs', '!c:hs']],
    [{ order_by: 'name', dir: 'b' }, ['!d:hs', '!a:hs', '!e:hs', '!b:hs', '!c:hs']],
    [{ order_by: 'joined_members', dir: 'b' }, ['!a:hs', '!d:hs', '!b:hs', '!e:hs', '!c:hs']],
    [{ order_by: 'joined_members' }, ['!e:hs', '!b:hs', '!d:hs', '!a:hs', '!c:hs']],
    [{ order_by: 'room_type' }, ['!b:hs', '!a:hs', '!c:hs', '!d:hs', '!e:hs']], // ties by room ID, NULLs last
    [{ order_by: 'room_type', dir: 'b' }, ['!b:hs', '!e:hs', '!d:hs', '!c:hs', '!a:hs']],
    [{ order_by: 'public', dir: 'b' }, ['!a:hs', '!e:hs', '!d:hs', '!c:hs', '!b:hs']],
  ])('%j answers %j: missing values last in both directions, ties by room ID', async (query, expected) => {
    expect(keysOf(await page(facade, ROOMS, query))).toEqual(expected);
  });

  it('defaults to order_by=name, dir=f, limit=100', async () => {
    expect(keysOf(await page(facade, ROOMS, {}))).toEqual(['!b:hs', '!e:hs', '!a:hs', '!d:hs', '!c:hs']);
  });
});

describe('the answer', () => {
  it("holds the normalised list item with first_seen, last_seen and the facade's blocked, and the total", async () => {
    const answer = await get(facade, ROOMS, { order_by: 'room_id', limit: '2' });
    expect(answer.status).toBe(200);
    const body = roomIndexPage.parse(answer.json);
    expect(body.total).toBe(ITEMS.length);
    expect(body.rooms).toHaveLength(2);
    const first = indexedRoomOut.parse(body.rooms[0]);
    expect(first).toEqual({ ...ITEMS[0]!.item, first_seen: expect.any(Number), last_seen: expect.any(Number), blocked: false });
    expect(body.rooms[1]!.blocked).toBeNull();
  });

  it('is admin-only: no token is 401, a user who is not an admin 403', async () => {
    expect((await get(facade, ROOMS, {}, null)).status).toBe(401);
    expect((await get(facade, ROOMS, {}, DEFAULT_USER_TOKEN)).status).toBe(403);
  });

  it('is 503 "not ready" until the index has had a complete sweep, even with rows in it; then carries its age', async () => {
    const fresh = await startTestFacade(mock.url);
    try {
      await fresh.index.stop();
      await fresh.context.store.upsertIndexed('rooms', ITEMS, Date.now());
      const answer = await get(fresh, ROOMS);
      expect(answer.status).toBe(503);
      expect(answer.json).toMatchObject({ errcode: 'M_UNKNOWN' });
      expect(answer.json.error).toMatch(/not ready/);
      expect(answer.headers.get('x-facade-index-age')).toBeNull();
      await markSwept(fresh, 'rooms', Date.now() - 42_000);
      const ready = await get(fresh, ROOMS);
      expect(ready.status).toBe(200);
      // Whole seconds since the last complete sweep finished.
      expect(Number(ready.headers.get('x-facade-index-age'))).toBeGreaterThanOrEqual(42);
      expect(Number(ready.headers.get('x-facade-index-age'))).toBeLessThan(50);
    } finally {
      await fresh.close();
    }
  });

  it("leaves Synapse's own GET /_synapse/admin/v1/rooms to Synapse", async () => {
    mock.reset();
    const answer = await get(facade, '/_synapse/admin/v1/rooms', { limit: '1' });
    expect(answer.status).toBe(200);
    expect(answer.json.total_rooms).toBe(mock.state.rooms.size);
    expect(mock.requests.some((request) => request.url.startsWith('/_synapse/admin/v1/rooms?'))).toBe(true);
  });
});

describe('cursors', () => {
  const first = (query: Record<string, string>) => page(facade, ROOMS, { limit: '2', ...query });

  it('continue the same query with another limit', async () => {
    const { next_cursor } = await first({ order_by: 'name' });
    expect(keysOf(await page(facade, ROOMS, { order_by: 'name', limit: '3', cursor: next_cursor! }))).toEqual(['!a:hs', '!d:hs', '!c:hs']);
  });

  it.each([
    [{ order_by: 'version' }],
    [{ dir: 'b' }],
    [{ public: 'false' }],
    [{ q: 'e' }],
  ])('are refused (400 M_INVALID_PARAM) with another query: %j', async (change) => {
    const { next_cursor } = await first({ order_by: 'name' });
    const answer = await get(facade, ROOMS, { order_by: 'name', limit: '2', ...change, cursor: next_cursor! });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ errcode: 'M_INVALID_PARAM' });
    expect(answer.json.error).toMatch(/^Invalid query parameter 'cursor': it was issued for another query/);
  });

  it.each(['abc', Buffer.from('[1,"n",1,"!a:hs","x"]').toString('base64url'), Buffer.from('{}').toString('base64url')])(
    'are refused when the facade did not mint them: %s',
    async (cursor) => {
      const answer = await get(facade, ROOMS, { cursor });
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatch(/^Invalid query parameter 'cursor': /);
    },
  );

  it('are absent where nothing lies that way', async () => {
    const whole = await page(facade, ROOMS, { limit: '5' });
    expect(whole.next_cursor).toBeUndefined();
    expect(whole.prev_cursor).toBeUndefined();
    const head = await first({});
    expect(head.prev_cursor).toBeUndefined();
    const tail = await page(facade, ROOMS, { limit: '3', cursor: head.next_cursor! });
    expect(keysOf(tail)).toEqual(['!a:hs', '!d:hs', '!c:hs']);
    expect(tail.next_cursor).toBeUndefined();
    expect(keysOf(await page(facade, ROOMS, { limit: '2', cursor: tail.prev_cursor! }))).toEqual(keysOf(head));
  });
});
