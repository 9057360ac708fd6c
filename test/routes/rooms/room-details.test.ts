// GET /_synapse/admin/v1/rooms/{room_id} through the facade: every documented field, booleans, 404s, ID encodings.
import { describe, expect, it } from 'vitest';
import {
  BIG_ROOM_ID,
  EMPTY_CREATOR_ROOM_ID,
  LEGACY_ROOM_ID,
  REPLACEMENT_ROOM_ID,
  TOMBSTONED_ROOM_ID,
  V12_ROOM_ID,
} from '../../../src/mock/fixtures.ts';
import { enc, expectMatrixError, ROOMS, useFacadeOverMock } from '../support.ts';

const pair = useFacadeOverMock();

const DETAIL_KEYS = [
  'room_id', 'name', 'canonical_alias', 'joined_members', 'joined_local_members', 'version', 'creator', 'encryption',
  'federatable', 'public', 'join_rules', 'guest_access', 'history_visibility', 'state_events', 'room_type',
  'topic', 'avatar', 'joined_local_devices', 'forgotten', 'tombstoned', 'replacement_room',
].sort();

describe('GET /v1/rooms/{room_id}', () => {
  it('a current Synapse answer keeps its values, all 21 keys, booleans as booleans', async () => {
    const { status, body } = await pair.get(`${ROOMS}/${enc(BIG_ROOM_ID)}`);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(DETAIL_KEYS);
    expect(body).toMatchObject({ room_id: BIG_ROOM_ID, joined_members: 250, joined_local_members: 40, public: true, tombstoned: false, forgotten: false });
  });

  it('an old-Synapse answer gets null for the fields it left out and booleans for its 0/1', async () => {
    const { body } = await pair.get(`${ROOMS}/${enc(LEGACY_ROOM_ID)}`);
    expect(Object.keys(body).sort()).toEqual(DETAIL_KEYS);
    expect(body).toMatchObject({
      federatable: true,
      public: false,
      room_type: null,
      joined_local_devices: null,
      forgotten: null,
      tombstoned: null,
      replacement_room: null,
    });
  });

  it('creator "" becomes null; tombstones keep their replacement', async () => {
    expect((await pair.get(`${ROOMS}/${enc(EMPTY_CREATOR_ROOM_ID)}`)).body.creator).toBeNull();
    expect((await pair.get(`${ROOMS}/${enc(TOMBSTONED_ROOM_ID)}`)).body).toMatchObject({
      tombstoned: true,
      replacement_room: REPLACEMENT_ROOM_ID,
    });
  });

  it('raw and %-encoded IDs give the same answer and the same upstream request', async () => {
    const raw = await pair.get(`${ROOMS}/${BIG_ROOM_ID}`);
    const encoded = await pair.get(`${ROOMS}/%21lobbyBigRoomAAAAAA%3Amock.example`);
    expect(raw.body).toEqual(encoded.body);
    expect(pair.upstreamUrls()).toEqual([`${ROOMS}/!lobbyBigRoomAAAAAA:mock.example`, `${ROOMS}/!lobbyBigRoomAAAAAA:mock.example`]);
  });

  it('serves v12 (domainless) room IDs', async () => {
    expect((await pair.get(`${ROOMS}/${enc(V12_ROOM_ID)}`)).body).toMatchObject({ room_id: V12_ROOM_ID, version: '12' });
  });

  it("Synapse's 404 passes through unchanged, for unknown and malformed IDs alike (no format check)", async () => {
    expectMatrixError(await pair.get(`${ROOMS}/!unknown:mock.example`), 404, 'M_NOT_FOUND', 'Room not found');
    expectMatrixError(await pair.get(`${ROOMS}/garbage`), 404, 'M_NOT_FOUND', 'Room not found');
    expectMatrixError(await pair.get(`${ROOMS}/`), 404, 'M_NOT_FOUND', 'Room not found');
    expect(pair.upstreamUrls()).toEqual([`${ROOMS}/!unknown:mock.example`, `${ROOMS}/garbage`, `${ROOMS}/`]);
  });

  it('query parameters are not forwarded (Synapse reads none)', async () => {
    await pair.get(`${ROOMS}/${enc(BIG_ROOM_ID)}?limit=abc`);
    expect(pair.upstreamUrls()).toEqual([`${ROOMS}/!lobbyBigRoomAAAAAA:mock.example`]);
  });

  it('no token → 401 and nothing reaches Synapse', async () => {
    await pair.expectMissingToken(`${ROOMS}/${enc(BIG_ROOM_ID)}`);
  });
});
