// GET /_synapse/admin/v1/rooms/{room_id}/members: what admin UIs add is accepted and not forwarded.
import { describe, expect, it } from 'vitest';
import { BIG_ROOM_ID, EMPTY_ROOM_ID } from '../../../src/mock/fixtures.ts';
import { enc, expectMatrixError, ROOMS, useFacadeOverMock } from '../support.ts';

const pair = useFacadeOverMock();
const membersOf = (roomId: string) => `${ROOMS}/${enc(roomId)}/members`;

describe('GET /v1/rooms/{room_id}/members', () => {
  it('answers members and total', async () => {
    const { status, body } = await pair.get(membersOf(BIG_ROOM_ID));
    expect(status).toBe(200);
    expect(body.total).toBe(250);
    expect(body.members).toHaveLength(250);
    expect((await pair.get(membersOf(EMPTY_ROOM_ID))).body).toEqual({ members: [], total: 0 });
  });

  it.each([
    ['ASA', '?dir=b&from=0&limit=25&order_by=id'],
    ['Ketesa', '?from=0&limit=10&order_by=id&dir=b'],
    ['garbage a UI could send', '?limit=abc&dir=x'],
  ])('%s query is accepted and not forwarded', async (_tool, query) => {
    const answer = await pair.get(`${ROOMS}/${BIG_ROOM_ID}/members${query}`);
    expect(answer.status).toBe(200);
    expect(answer.body.total).toBe(250);
    expect(pair.upstreamUrls()).toEqual([`${ROOMS}/!lobbyBigRoomAAAAAA:mock.example/members`]);
  });

  it('raw and %-encoded IDs give the same answer', async () => {
    const raw = await pair.get(`${ROOMS}/${BIG_ROOM_ID}/members`);
    expect(raw.body).toEqual((await pair.get(membersOf(BIG_ROOM_ID))).body);
  });

  it("Synapse's 404 passes through unchanged", async () => {
    expectMatrixError(await pair.get(membersOf('!nope:mock.example')), 404, 'M_NOT_FOUND', 'Room not found');
  });

  it('no token → 401 and nothing reaches Synapse', async () => {
    await pair.expectMissingToken(membersOf(BIG_ROOM_ID));
  });
});
