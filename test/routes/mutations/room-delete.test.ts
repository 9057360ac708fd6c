// DELETE /v1/rooms/{room_id} and /v2/rooms/{room_id} through the facade against the mock.
import { describe, expect, it } from 'vitest';
import {
  BIG_ROOM_ID,
  EMPTY_ROOM_ID,
  FAILING_DELETE_ROOM_ID,
  LOCAL_ONLY_ROOM_ID,
  SPACE_ROOM_ID,
  STUCK_MEMBER_ROOM_ID,
} from '../../../src/mock/fixtures.ts';
import { enc, expectMatrixError, ROOMS, useFacadeOverMock } from '../support.ts';
import { auditLines, sendAs } from './support.ts';

const V2_ROOMS = '/_synapse/admin/v2/rooms';
const pair = useFacadeOverMock({ deleteTaskTiming: { scheduledMs: 50, activeMs: 150 } });
const deleteV1 = (roomId: string, body?: unknown) => sendAs(pair.facade().url, 'DELETE', `${ROOMS}/${enc(roomId)}`, body);
const deleteV2 = (roomId: string, body?: unknown) => sendAs(pair.facade().url, 'DELETE', `${V2_ROOMS}/${enc(roomId)}`, body);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each([
  ['v1', deleteV1],
  ['v2', deleteV2],
])('DELETE %s body checks (Synapse’s order and texts)', (_version, send) => {
  it.each([
    ['empty body', undefined, 'M_NOT_JSON', 'Content not JSON.'],
    ['not JSON', 'nope', 'M_NOT_JSON', 'Content not JSON.'],
    ['not an object', '"x"', 'M_BAD_JSON', 'Content must be a JSON object.'],
    ['block not boolean', { block: 1 }, 'M_BAD_JSON', "Param 'block' must be a boolean, if given"],
    ['purge not boolean', { purge: 'yes' }, 'M_BAD_JSON', "Param 'purge' must be a boolean, if given"],
    ['force_purge not boolean', { force_purge: null }, 'M_BAD_JSON', "Param 'force_purge' must be a boolean, if given"],
  ])('%s → 400, nothing sent', async (_case, body, errcode, error) => {
    expectMatrixError(await send(BIG_ROOM_ID, body), 400, errcode, error);
    expect(pair.upstreamUrls()).toEqual([]);
  });

  it('body checks come before the room ID check', async () => {
    expectMatrixError(await send('bad', { purge: 1 }), 400, 'M_BAD_JSON', "Param 'purge' must be a boolean, if given");
    expectMatrixError(await send('bad', {}), 400, 'M_UNKNOWN', 'bad is not a legal room ID');
    expect(pair.upstreamUrls()).toEqual([]);
  });
});

describe('DELETE v1', () => {
  it('kicks local users and answers Synapse’s result', async () => {
    const answer = await deleteV1(LOCAL_ONLY_ROOM_ID, { block: false, purge: true });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ failed_to_kick_users: [], local_aliases: [], new_room_id: null });
    expect((answer.body.kicked_users as string[]).length).toBeGreaterThan(0);
    expect((await pair.get(`${ROOMS}/${enc(LOCAL_ONLY_ROOM_ID)}`)).status).toBe(404);
  });

  it('a non-local new_room_user_id on a known room is refused before anything changes (Synapse would block first)', async () => {
    const answer = await deleteV1(SPACE_ROOM_ID, { block: true, new_room_user_id: '@mallory:evil.example' });
    expectMatrixError(answer, 400, 'M_UNKNOWN', 'User must be our own: @mallory:evil.example');
    expect(pair.upstreamRequests().filter((request) => request.method === 'DELETE')).toEqual([]);
    expect((await pair.get(`${ROOMS}/${enc(SPACE_ROOM_ID)}/block`)).body).toEqual({ block: false, user_id: null });
  });

  it('a non-string new_room_user_id is refused (Synapse would answer 500 after blocking)', async () => {
    expectMatrixError(await deleteV1(SPACE_ROOM_ID, { new_room_user_id: 5 }), 400, 'M_BAD_JSON', "Param 'new_room_user_id' must be a string, if given");
  });

  it('an unknown room is 200 with empty lists, as Synapse answers it', async () => {
    const answer = await deleteV1('!gone:mock.example', { new_room_user_id: '@x:evil.example' });
    expect(answer.body).toEqual({ kicked_users: [], failed_to_kick_users: [], local_aliases: [], new_room_id: null });
  });

  it('passes Synapse’s own 400 through (users still joined without force_purge)', async () => {
    expectMatrixError(await deleteV1(STUCK_MEMBER_ROOM_ID, {}), 400, 'M_UNKNOWN', 'Users are still joined to this room');
  });

  it('logs one audit line per delete with the body fields, long texts bounded', async () => {
    await deleteV1(EMPTY_ROOM_ID, { message: 'x'.repeat(500), purge: true });
    const line = auditLines(pair.facade()).at(-1)!;
    expect(line).toMatchObject({ route: 'DELETE /v1/rooms/{room_id}', room_id: EMPTY_ROOM_ID, upstream_status: 200 });
    expect((line.body as { message: string }).message).toBe(`${'x'.repeat(100)}… (500 chars)`);
  });
});

describe('DELETE v2 and its status', () => {
  it('returns a delete_id whose status moves to complete, readable by id and by room', async () => {
    const answer = await deleteV2(BIG_ROOM_ID, { block: true, purge: true });
    const deleteId = answer.body.delete_id as string;
    expect(deleteId).toMatch(/^[A-Za-z]{16}$/);
    expect(auditLines(pair.facade()).at(-1)).toMatchObject({ delete_id: deleteId, upstream_status: 200 });
    let status = '';
    for (let i = 0; i < 40 && status !== 'complete'; i++) {
      await sleep(50);
      status = (await pair.get(`${V2_ROOMS}/delete_status/${deleteId}`)).body.status as string;
    }
    expect(status).toBe('complete');
    const byRoom = await pair.get(`${V2_ROOMS}/${enc(BIG_ROOM_ID)}/delete_status`);
    expect(byRoom.body.results).toEqual([expect.objectContaining({ delete_id: deleteId, room_id: BIG_ROOM_ID, status: 'complete' })]);
  });

  it('a room whose delete fails ends `failed`', async () => {
    const { delete_id: deleteId } = (await deleteV2(FAILING_DELETE_ROOM_ID, {})).body as { delete_id: string };
    let status = '';
    for (let i = 0; i < 40 && status !== 'failed'; i++) {
      await sleep(50);
      status = (await pair.get(`${V2_ROOMS}/delete_status/${deleteId}`)).body.status as string;
    }
    expect(status).toBe('failed');
  });
});

describe('issue 10 #6: a local new_room_user_id without its `@` (found by the schema fuzzer)', () => {
  it('v1, a known room: refused with Synapse’s own 400 before anything changes (Synapse would block first)', async () => {
    const answer = await deleteV1(SPACE_ROOM_ID, { block: true, new_room_user_id: 'admin:mock.example' });
    expectMatrixError(answer, 400, 'M_INVALID_PARAM', "Expected UserID string to start with '@'");
    expect(pair.upstreamRequests().filter((request) => request.method === 'DELETE')).toEqual([]);
    expect((await pair.get(`${ROOMS}/${enc(SPACE_ROOM_ID)}/block`)).body).toEqual({ block: false, user_id: null });
  });

  it('v1, an unknown room: sent, since Synapse answers it 200 with nothing done', async () => {
    expect((await deleteV1('!gone:mock.example', { new_room_user_id: ':mock.example' })).status).toBe(200);
  });

  it('v2: refused before scheduling (Synapse would schedule a task that blocks the room, then fails)', async () => {
    expectMatrixError(await deleteV2(SPACE_ROOM_ID, { new_room_user_id: ':mock.example' }), 400, 'M_INVALID_PARAM', "Expected UserID string to start with '@'");
    expect(pair.upstreamRequests().filter((request) => request.method === 'DELETE')).toEqual([]);
  });

  it('v2: a local user ID with its `@`, or a non-local one (Synapse’s own 400), is sent', async () => {
    expect((await deleteV2(EMPTY_ROOM_ID, { new_room_user_id: '@admin:mock.example' })).status).toBe(200);
    expectMatrixError(await deleteV2(SPACE_ROOM_ID, { new_room_user_id: 'admin:evil.example' }), 400, 'M_UNKNOWN', 'User must be our own: admin:evil.example');
  });
});
