// PUT /v1/rooms/{room_id}/block through the facade: Synapse's body checks in order, state, audit.
import { describe, expect, it } from 'vitest';
import { BIG_ROOM_ID } from '../../../src/mock/fixtures.ts';
import { enc, expectMatrixError, ROOMS, useFacadeOverMock } from '../support.ts';
import { auditLines, sendAs } from './support.ts';

const pair = useFacadeOverMock();
const put = (roomId: string, body?: unknown) => sendAs(pair.facade().url, 'PUT', `${ROOMS}/${enc(roomId)}/block`, body);

describe('PUT block', () => {
  it('blocks and unblocks; the block status reads back; the first blocker is kept', async () => {
    expect((await put(BIG_ROOM_ID, { block: true })).body).toEqual({ block: true });
    const status = await pair.get(`${ROOMS}/${enc(BIG_ROOM_ID)}/block`);
    expect(status.body).toEqual({ block: true, user_id: '@admin:mock.example' });
    expect((await put(BIG_ROOM_ID, { block: false })).body).toEqual({ block: false });
    expect((await pair.get(`${ROOMS}/${enc(BIG_ROOM_ID)}/block`)).body).toEqual({ block: false, user_id: null });
  });

  it('works for unknown rooms, as Synapse does', async () => {
    expect((await put('!unknown:elsewhere.example', { block: true })).status).toBe(200);
  });

  it.each([
    ['empty body', undefined, 400, 'M_NOT_JSON', 'Content not JSON.'],
    ['invalid JSON', '{"block": tru', 400, 'M_NOT_JSON', 'Content not JSON.'],
    ['a JSON array', '[true]', 400, 'M_BAD_JSON', 'Content must be a JSON object.'],
    ['no block', {}, 400, 'M_MISSING_PARAM', "Missing params: ['block']"],
    ['block is a string', { block: 'true' }, 400, 'M_BAD_JSON', "Param 'block' must be a boolean."],
    ['block is null', { block: null }, 400, 'M_BAD_JSON', "Param 'block' must be a boolean."],
  ])('%s → Synapse’s error, nothing sent', async (_case, body, status, errcode, error) => {
    expectMatrixError(await put(BIG_ROOM_ID, body), status, errcode, error);
    expect(pair.upstreamUrls()).toEqual([]);
  });

  it('checks the body before the room ID, and the room ID before `block` (Synapse’s order)', async () => {
    expectMatrixError(await put('not-a-room', '[]'), 400, 'M_BAD_JSON', 'Content must be a JSON object.');
    expectMatrixError(await put('not-a-room', {}), 400, 'M_UNKNOWN', 'not-a-room is not a legal room ID');
  });

  it('writes one audit line naming the verified admin, never the token', async () => {
    await put(BIG_ROOM_ID, { block: true });
    const line = auditLines(pair.facade()).at(-1)!;
    expect(line).toMatchObject({ method: 'PUT', route: 'PUT /v1/rooms/{room_id}/block', room_id: BIG_ROOM_ID, body: { block: true }, upstream_status: 200 });
    expect(line.admin).toEqual({ user_id: '@admin:mock.example' });
    expect(pair.facade().logLines.join('\n')).not.toContain('mock-admin-token');
  });
});
