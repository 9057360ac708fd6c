// GET v2 delete status, by room and by delete ID: four documented keys always present, 404s unchanged.
import { describe, expect, it } from 'vitest';
import {
  COMPLETE_DELETE_ID,
  COMPLETE_DELETE_ROOM_ID,
  FAILED_DELETE_ID,
  FAILED_DELETE_ROOM_ID,
  NULL_SHUTDOWN_DELETE_ID,
  NULL_SHUTDOWN_DELETE_ROOM_ID,
} from '../../../src/mock/fixtures.ts';
import { enc, expectMatrixError, useFacadeOverMock } from '../support.ts';

const pair = useFacadeOverMock();
const V2_ROOMS = '/_synapse/admin/v2/rooms';
const byId = (deleteId: string) => `${V2_ROOMS}/delete_status/${enc(deleteId)}`;
const byRoom = (roomId: string) => `${V2_ROOMS}/${enc(roomId)}/delete_status`;
const TASK_KEYS = ['delete_id', 'room_id', 'shutdown_room', 'status'];

describe('GET /v2/rooms/delete_status/{delete_id}', () => {
  it('a complete task: delete_id, room_id, status and shutdown_room', async () => {
    const { status, body } = await pair.get(byId(COMPLETE_DELETE_ID));
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(TASK_KEYS);
    expect(body).toMatchObject({
      delete_id: COMPLETE_DELETE_ID,
      room_id: COMPLETE_DELETE_ROOM_ID,
      status: 'complete',
      shutdown_room: { kicked_users: expect.any(Array), failed_to_kick_users: [], local_aliases: expect.any(Array), new_room_id: null },
    });
  });

  it('a failed task; a purge-only task keeps shutdown_room null', async () => {
    expect((await pair.get(byId(FAILED_DELETE_ID))).body).toMatchObject({ room_id: FAILED_DELETE_ROOM_ID, status: 'failed' });
    expect((await pair.get(byId(NULL_SHUTDOWN_DELETE_ID))).body).toEqual({
      delete_id: NULL_SHUTDOWN_DELETE_ID,
      room_id: NULL_SHUTDOWN_DELETE_ROOM_ID,
      status: 'complete',
      shutdown_room: null,
    });
  });

  it("an unknown ID: Synapse's 404 unchanged; the ID reaches Synapse encoded once", async () => {
    expectMatrixError(await pair.get(byId('no such/id')), 404, 'M_NOT_FOUND', "delete id 'no such/id' not found");
    expect(pair.upstreamUrls()).toEqual([`${V2_ROOMS}/delete_status/no%20such%2Fid`]);
  });

  it('no token → 401 and nothing reaches Synapse', async () => {
    await pair.expectMissingToken(byId(COMPLETE_DELETE_ID));
  });
});

describe('GET /v2/rooms/{room_id}/delete_status', () => {
  it('results of tasks with the four keys; raw and %-encoded IDs agree', async () => {
    const encoded = await pair.get(byRoom(COMPLETE_DELETE_ROOM_ID));
    expect(encoded.status).toBe(200);
    const results = encoded.body.results as Array<Record<string, unknown>>;
    expect(results).toHaveLength(1);
    expect(Object.keys(results[0]!).sort()).toEqual(TASK_KEYS);
    expect(results[0]).toMatchObject({ delete_id: COMPLETE_DELETE_ID, status: 'complete' });
    expect((await pair.get(`${V2_ROOMS}/${COMPLETE_DELETE_ROOM_ID}/delete_status`)).body).toEqual(encoded.body);
  });

  it("a legal room without tasks: Synapse's 404 unchanged", async () => {
    expectMatrixError(await pair.get(byRoom('!quiet:mock.example')), 404, 'M_NOT_FOUND', "No delete task for room_id '!quiet:mock.example' found");
  });

  it.each(['invalidroom', '#alias:mock.example', '!x:'])('%j → 400 M_UNKNOWN "<id> is not a legal room ID", nothing reaches Synapse', async (roomId) => {
    await pair.expectRefused(byRoom(roomId), 400, 'M_UNKNOWN', `${roomId} is not a legal room ID`);
  });

  it('/v2/rooms/delete_status/delete_status is a delete ID, not a room (Synapse registration order)', async () => {
    // The by-room route would refuse "delete_status" as a room ID without asking Synapse.
    await pair.get(`${V2_ROOMS}/delete_status/delete_status`);
    expect(pair.upstreamUrls()).toEqual([`${V2_ROOMS}/delete_status/delete_status`]);
  });

  it('no token → 401 before the ID check; nothing reaches Synapse', async () => {
    await pair.expectMissingToken(byRoom('invalidroom'));
  });
});
