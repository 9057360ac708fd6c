// GET /_synapse/admin/v1/rooms/{room_id}/state: `type` filter, UI extras ignored, 404 before the type check.
import { describe, expect, it } from 'vitest';
import { DATA_EPOCH_MS } from '../../../src/mock/constants.ts';
import { BIG_ROOM_ID } from '../../../src/mock/fixtures.ts';
import { enc, expectMatrixError, ROOMS, useFacadeOverMock } from '../support.ts';

// A fixed clock keeps `unsigned.age` equal between two reads.
const pair = useFacadeOverMock({ clock: () => DATA_EPOCH_MS });
const stateOf = (roomId: string) => `${ROOMS}/${enc(roomId)}/state`;
const UPSTREAM_STATE = `${ROOMS}/!lobbyBigRoomAAAAAA:mock.example/state`;

type StateEvent = Record<string, unknown>;

describe('GET /v1/rooms/{room_id}/state', () => {
  it('answers the current state events, unchanged', async () => {
    const { status, body } = await pair.get(stateOf(BIG_ROOM_ID));
    expect(status).toBe(200);
    const events = body.state as StateEvent[];
    expect(events.length).toBeGreaterThan(250);
    expect(events[0]).toMatchObject({ type: expect.any(String), event_id: expect.any(String), content: expect.any(Object) });
  });

  it('forwards a non-empty type, drops an empty one (no filter in Synapse)', async () => {
    const names = await pair.get(`${stateOf(BIG_ROOM_ID)}?type=m.room.name`);
    expect((names.body.state as StateEvent[]).map((event) => event.type)).toEqual(['m.room.name']);
    await pair.get(`${stateOf(BIG_ROOM_ID)}?type=`);
    expect(pair.upstreamUrls()).toEqual([`${UPSTREAM_STATE}?type=m.room.name`, UPSTREAM_STATE]);
  });

  it('ASA/Ketesa extras (order_by=id, from, limit, dir) are accepted and not forwarded; raw ID = encoded ID', async () => {
    const asa = await pair.get(`${ROOMS}/${BIG_ROOM_ID}/state?dir=b&from=0&limit=25&order_by=id`);
    const ketesa = await pair.get(`${stateOf(BIG_ROOM_ID)}?from=0&limit=10&order_by=id&dir=b`);
    expect(asa.status).toBe(200);
    expect(ketesa.body).toEqual(asa.body);
    expect(pair.upstreamUrls()).toEqual([UPSTREAM_STATE, UPSTREAM_STATE]);
  });

  it('type not ascii on a known room → 400 M_UNKNOWN; only the existence check reached Synapse', async () => {
    expectMatrixError(await pair.get(`${stateOf(BIG_ROOM_ID)}?type=%C3%A9`), 400, 'M_UNKNOWN', "Query parameter 'type' must be ascii");
    expect(pair.upstreamUrls()).toEqual([`${ROOMS}/!lobbyBigRoomAAAAAA:mock.example`]);
  });

  it('type not ascii on an unknown room → 404 Room not found, as Synapse checks the room first', async () => {
    expectMatrixError(await pair.get(`${stateOf('!nope:mock.example')}?type=%C3%A9`), 404, 'M_NOT_FOUND', 'Room not found');
    expect(pair.upstreamUrls().every((url) => !url.includes('/state'))).toBe(true);
  });

  it("Synapse's 404 passes through unchanged", async () => {
    expectMatrixError(await pair.get(stateOf('!nope:mock.example')), 404, 'M_NOT_FOUND', 'Room not found');
  });

  it('no token → 401 and nothing reaches Synapse', async () => {
    await pair.expectMissingToken(`${stateOf(BIG_ROOM_ID)}?type=%C3%A9`);
  });
});
