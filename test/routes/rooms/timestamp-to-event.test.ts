// GET /_synapse/admin/v1/rooms/{room_id}/timestamp_to_event: ts required, then dir; Synapse's 404 text unchanged.
import { describe, expect, it } from 'vitest';
import { BIG_ROOM_ID } from '../../../src/mock/fixtures.ts';
import { enc, expectMatrixError, ROOMS, useFacadeOverMock } from '../support.ts';

const pair = useFacadeOverMock();
const LOOKUP = `${ROOMS}/${enc(BIG_ROOM_ID)}/timestamp_to_event`;
const UPSTREAM = `${ROOMS}/!lobbyBigRoomAAAAAA:mock.example/timestamp_to_event`;

describe('GET /v1/rooms/{room_id}/timestamp_to_event', () => {
  it('answers event_id and origin_server_ts; raw and %-encoded IDs agree', async () => {
    const encoded = await pair.get(`${LOOKUP}?ts=0`);
    expect(encoded.status).toBe(200);
    expect(encoded.body).toEqual({ event_id: expect.stringMatching(/^\$/), origin_server_ts: expect.any(Number) });
    expect((await pair.get(`${ROOMS}/${BIG_ROOM_ID}/timestamp_to_event?ts=0`)).body).toEqual(encoded.body);
  });

  it.each([
    ['', 'M_MISSING_PARAM', 'Missing required integer query parameter ts'],
    ['dir=x', 'M_MISSING_PARAM', 'Missing required integer query parameter ts'],
    ['ts=', 'M_INVALID_PARAM', 'Query parameter ts must be an integer'],
    ['ts=-1', 'M_INVALID_PARAM', 'Query parameter ts must be a positive integer.'],
    ['ts=1&dir=forwards', 'M_INVALID_PARAM', "Query parameter 'dir' must be one of ['b', 'f']"],
  ])('%j → 400 %s, nothing reaches Synapse', async (query, errcode, error) => {
    await pair.expectRefused(`${LOOKUP}?${query}`, 400, errcode, error);
  });

  it('forwards exactly ts and dir (ts=1_0 → 10, first value wins, ; separates)', async () => {
    await pair.get(`${LOOKUP}?ts=1_0;dir=b&ts=5&extra=1`);
    expect(pair.upstreamUrls()).toEqual([`${UPSTREAM}?ts=10&dir=b`]);
  });

  it("Synapse's 404 passes through unchanged", async () => {
    expectMatrixError(
      await pair.get(`${LOOKUP}?ts=1&dir=b`),
      404,
      'M_NOT_FOUND',
      'Unable to find event from 1 in direction Direction.BACKWARDS',
    );
  });

  it('no token → 401 and nothing reaches Synapse', async () => {
    await pair.expectMissingToken(LOOKUP);
  });
});
