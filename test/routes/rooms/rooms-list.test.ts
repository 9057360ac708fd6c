// GET /_synapse/admin/v1/rooms through the facade: normalised pages, Synapse's validation, exact upstream query.
import { describe, expect, it } from 'vitest';
import { BIG_ROOM_ID, EMPTY_CREATOR_ROOM_ID, LEGACY_ROOM_ID } from '../../../src/mock/fixtures.ts';
import { enc, ROOMS, useFacadeOverMock } from '../support.ts';

const pair = useFacadeOverMock();

const ROOM_KEYS = [
  'room_id', 'name', 'canonical_alias', 'joined_members', 'joined_local_members', 'version', 'creator', 'encryption',
  'federatable', 'public', 'join_rules', 'guest_access', 'history_visibility', 'state_events', 'room_type',
];

type Room = Record<string, unknown>;
const roomsOf = (body: Record<string, unknown>) => body.rooms as Room[];

describe('GET /v1/rooms — normalised answer', () => {
  it('has offset, total_rooms, integer next_batch and next_token = String(next_batch); every room has all 15 keys', async () => {
    const answer = await pair.get(`${ROOMS}?from=0&limit=5`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.body).toMatchObject({ offset: 0, total_rooms: expect.any(Number), next_batch: 5, next_token: '5' });
    expect(answer.body).not.toHaveProperty('prev_batch');
    const rooms = roomsOf(answer.body);
    expect(rooms).toHaveLength(5);
    for (const room of rooms) {
      expect(Object.keys(room).sort()).toEqual([...ROOM_KEYS].sort());
      expect(typeof room.federatable).toBe('boolean');
      expect(typeof room.public).toBe('boolean');
    }
  });

  it('a later page has prev_batch as an integer and the offset it was asked for', async () => {
    const { body } = await pair.get(`${ROOMS}?from=7&limit=5`);
    expect(body).toMatchObject({ offset: 7, prev_batch: 2, next_batch: 12, next_token: '12' });
  });

  it('the last page has no next_batch and no next_token', async () => {
    const first = await pair.get(`${ROOMS}?limit=1`);
    const total = first.body.total_rooms as number;
    const { body } = await pair.get(`${ROOMS}?from=${total - 2}&limit=5`);
    expect(roomsOf(body)).toHaveLength(2);
    expect(body).not.toHaveProperty('next_batch');
    expect(body).not.toHaveProperty('next_token');
  });

  it('a limit=0 page has no next_batch/next_token (Synapse would hand out a token that never advances)', async () => {
    const { body } = await pair.get(`${ROOMS}?from=3&limit=0`);
    expect(body).toMatchObject({ rooms: [], offset: 3, prev_batch: 3 });
    expect(body).not.toHaveProperty('next_batch');
    expect(body).not.toHaveProperty('next_token');
  });

  it('an old-Synapse room (no room_type, 0/1 booleans) gets room_type null and real booleans', async () => {
    const { body } = await pair.get(`${ROOMS}?search_term=${enc(LEGACY_ROOM_ID)}`);
    expect(roomsOf(body)).toHaveLength(1);
    const room = roomsOf(body)[0]!;
    expect(room).toMatchObject({ room_id: LEGACY_ROOM_ID, room_type: null, federatable: true, public: false });
    expect(Object.keys(room).sort()).toEqual([...ROOM_KEYS].sort());
  });

  it('creator "" becomes null', async () => {
    const { body } = await pair.get(`${ROOMS}?search_term=${enc(EMPTY_CREATOR_ROOM_ID)}`);
    expect(roomsOf(body)[0]).toMatchObject({ room_id: EMPTY_CREATOR_ROOM_ID, creator: null });
  });

  it('accepts limit=1000 (export button) and both tools\' key orders with the same answer', async () => {
    const asa = await pair.get(`${ROOMS}?dir=f&from=0&limit=1000&order_by=name`);
    const ketesa = await pair.get(`${ROOMS}?from=0&limit=1000&order_by=name&dir=f`);
    expect(asa.status).toBe(200);
    expect(roomsOf(asa.body)).toHaveLength(asa.body.total_rooms as number);
    expect(ketesa.body).toEqual(asa.body);
    const [first, second] = pair.mock().requests;
    expect(first!.url).toBe(second!.url);
  });

  it('keeps Synapse\'s filters: public_rooms, empty_rooms and search_term', async () => {
    const { body } = await pair.get(`${ROOMS}?public_rooms=true&empty_rooms=false&limit=1000`);
    expect(roomsOf(body).length).toBeGreaterThan(0);
    expect(roomsOf(body).every((room) => room.public === true && (room.joined_members as number) > 0)).toBe(true);
    const search = await pair.get(`${ROOMS}?search_term=${enc(BIG_ROOM_ID)}`);
    expect(roomsOf(search.body).map((room) => room.room_id)).toEqual([BIG_ROOM_ID]);
  });
});

describe('GET /v1/rooms — validation, in Synapse\'s order, never reaching Synapse', () => {
  it.each([
    ['from=-1', 'M_INVALID_PARAM', 'Query parameter from must be a positive integer.'],
    ['from=x&limit=-1', 'M_INVALID_PARAM', 'Query parameter from must be an integer'],
    ['limit=1.5', 'M_INVALID_PARAM', 'Query parameter limit must be an integer'],
    ['limit=-3&order_by=nope', 'M_INVALID_PARAM', 'Query parameter limit must be a positive integer.'],
    [
      'order_by=id&search_term=',
      'M_INVALID_PARAM',
      "Query parameter 'order_by' must be one of ['alphabetical', 'size', 'name', 'canonical_alias', 'joined_members', 'joined_local_members', 'version', 'creator', 'encryption', 'federatable', 'public', 'join_rules', 'guest_access', 'history_visibility', 'state_events']",
    ],
    ['order_by=%C3%A9', 'M_UNKNOWN', "Query parameter 'order_by' must be ascii"],
    ['search_term=&public_rooms=1', 'M_INVALID_PARAM', 'search_term cannot be an empty string'],
    ['search_term=%FF', 'M_UNKNOWN', "Query parameter 'search_term' must be utf-8"],
    ['public_rooms=1&dir=x', 'M_INVALID_PARAM', "Boolean query parameter 'public_rooms' must be one of ['true', 'false']"],
    ['empty_rooms=True', 'M_INVALID_PARAM', "Boolean query parameter 'empty_rooms' must be one of ['true', 'false']"],
    ['dir=F', 'M_INVALID_PARAM', "Query parameter 'dir' must be one of ['b', 'f']"],
  ])('%s → 400 %s', async (query, errcode, error) => {
    await pair.expectRefused(`${ROOMS}?${query}`, 400, errcode, error);
  });

  it('no token → 401 before validation; nothing reaches Synapse', async () => {
    await pair.expectMissingToken(`${ROOMS}?limit=x`);
  });

  it("a token Synapse does not know is Synapse's 401, passed through", async () => {
    const answer = await pair.get(ROOMS, { token: 'nobody' });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN' });
  });
});

describe('GET /v1/rooms — the upstream request carries exactly the validated values', () => {
  it('defaults are made explicit', async () => {
    await pair.get(ROOMS);
    expect(pair.upstreamUrls()).toEqual(['/_synapse/admin/v1/rooms?from=0&limit=100&order_by=name&dir=f']);
  });

  it('Python integers are normalised (1_0 → 10, " +2 " → 2), ; separates, the first of several valid values wins', async () => {
    // parse_integer reads only the first value (a bad later one is ignored); parse_string checks every value.
    await pair.get(`${ROOMS}?limit=1_0;from=%20%2B2%20&limit=abc&order_by=size&order_by=name`);
    expect(pair.upstreamUrls()).toEqual(['/_synapse/admin/v1/rooms?from=2&limit=10&order_by=size&dir=f']);
  });

  it('a later value of a string parameter that is not allowed is refused (parse_strings_from_args)', async () => {
    await pair.expectRefused(`${ROOMS}?dir=f&dir=x`, 400, 'M_INVALID_PARAM', "Query parameter 'dir' must be one of ['b', 'f']");
  });

  it('search_term is decoded once (+ is a space) and sent in its shortest form; booleans and dir as validated', async () => {
    await pair.get(`${ROOMS}?dir=b&empty_rooms=false&public_rooms=true&search_term=a+b%2Bc%C3%A9`);
    expect(pair.upstreamUrls()).toEqual([
      '/_synapse/admin/v1/rooms?from=0&limit=100&order_by=name&search_term=a+b%2Bc%C3%A9&public_rooms=true&empty_rooms=false&dir=b',
    ]);
  });

  it('a malformed escape in search_term is kept literally, as Twisted keeps it, and encoded once', async () => {
    await pair.get(`${ROOMS}?search_term=100%zz`);
    expect(pair.upstreamUrls()).toEqual(['/_synapse/admin/v1/rooms?from=0&limit=100&order_by=name&search_term=100%25zz&dir=f']);
  });

  it('unknown parameters are not forwarded, the access_token parameter is, verbatim', async () => {
    const answer = await pair.get(`${ROOMS}?limit=1&bogus=1&access_token=mock-admin-t%6Fken`, { token: null });
    expect(answer.status).toBe(200);
    expect(pair.upstreamUrls()).toEqual(['/_synapse/admin/v1/rooms?from=0&limit=1&order_by=name&dir=f&access_token=mock-admin-t%6Fken']);
  });
});
