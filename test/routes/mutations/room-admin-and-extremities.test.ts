// make_room_admin and DELETE forward_extremities through the facade against the mock.
import { describe, expect, it } from 'vitest';
import {
  BIG_ROOM_ALIAS,
  BIG_ROOM_ID,
  NO_EXTREMITIES_ROOM_ID,
  NO_LOCAL_ADMIN_ROOM_ID,
  REMOTE_ONLY_ROOM_ID,
} from '../../../src/mock/fixtures.ts';
import { enc, expectMatrixError, ROOMS, useFacadeOverMock } from '../support.ts';
import { auditLines, sendAs } from './support.ts';

const pair = useFacadeOverMock();
const makeAdmin = (room: string, body?: unknown) => sendAs(pair.facade().url, 'POST', `${ROOMS}/${enc(room)}/make_room_admin`, body);
const deleteExtremities = (room: string) => sendAs(pair.facade().url, 'DELETE', `${ROOMS}/${enc(room)}/forward_extremities`);

describe('POST make_room_admin', () => {
  it('accepts an empty body (the caller becomes admin) and a user_id', async () => {
    expect((await makeAdmin(BIG_ROOM_ID)).status).toBe(200);
    expect(await makeAdmin(BIG_ROOM_ALIAS, { user_id: '@alice:mock.example' })).toMatchObject({ status: 200, body: {} });
  });

  it('refuses a non-object body and an identifier that is neither room ID nor alias', async () => {
    expectMatrixError(await makeAdmin(BIG_ROOM_ID, '[1]'), 400, 'M_BAD_JSON', 'Content must be a JSON object.');
    expectMatrixError(await makeAdmin('lobby', {}), 400, 'M_UNKNOWN', 'lobby was not legal room ID or room alias');
    expect(pair.upstreamUrls()).toEqual([]);
  });

  it("passes Synapse's own refusals through", async () => {
    expectMatrixError(await makeAdmin(REMOTE_ONLY_ROOM_ID, {}), 400, 'M_UNKNOWN', 'Server not in room');
    expectMatrixError(await makeAdmin(NO_LOCAL_ADMIN_ROOM_ID, {}), 400, 'M_UNKNOWN', 'No local admin user in room');
  });
});

describe('DELETE forward_extremities', () => {
  it('deletes all but the newest extremity', async () => {
    const before = await pair.get(`${ROOMS}/${enc(BIG_ROOM_ID)}/forward_extremities`);
    const answer = await deleteExtremities(BIG_ROOM_ID);
    expect(answer.body).toEqual({ deleted: (before.body.count as number) - 1 });
    expect((await pair.get(`${ROOMS}/${enc(BIG_ROOM_ID)}/forward_extremities`)).body.count).toBe(1);
  });

  it('answers {"deleted": 0} for a room with none, without calling the DELETE (Synapse would 500)', async () => {
    const answer = await deleteExtremities(NO_EXTREMITIES_ROOM_ID);
    expect(answer).toMatchObject({ status: 200, body: { deleted: 0 } });
    expect(pair.upstreamRequests().map((request) => request.method)).toEqual(['GET']);
    expect(auditLines(pair.facade()).at(-1)).toMatchObject({ room_id: NO_EXTREMITIES_ROOM_ID, upstream_status: null });
  });

  it('does the same for an unknown room', async () => {
    expect((await deleteExtremities('!nothing:mock.example')).body).toEqual({ deleted: 0 });
  });

  it('refuses an identifier that is neither room ID nor alias', async () => {
    expectMatrixError(await deleteExtremities('x'), 400, 'M_UNKNOWN', 'x was not legal room ID or room alias');
  });
});
