// GET /_synapse/admin/v1/rooms/{room_id}/block: `user_id` always present (null when unblocked), legal IDs only.
import { describe, expect, it } from 'vitest';
import { ADMIN_USER_ID, DEFAULT_ADMIN_TOKEN } from '../../../src/mock/constants.ts';
import { V12_ROOM_ID } from '../../../src/mock/fixtures.ts';
import { enc, ROOMS, useFacadeOverMock } from '../support.ts';

const pair = useFacadeOverMock();
const blockOf = (roomId: string) => `${ROOMS}/${enc(roomId)}/block`;

/** Blocks a room through the facade (PUT is passed through to Synapse). */
async function block(roomId: string): Promise<void> {
  const response = await fetch(`${pair.facade().url}${blockOf(roomId)}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` },
    body: '{"block":true}',
  });
  expect(response.status).toBe(200);
}

describe('GET /v1/rooms/{room_id}/block', () => {
  it('an unblocked room: block false and user_id null (Synapse leaves user_id out)', async () => {
    expect((await pair.get(blockOf('!free:mock.example'))).body).toEqual({ block: false, user_id: null });
  });

  it('a blocked room: block true and the blocker; raw and %-encoded IDs agree', async () => {
    await block('!blocked:elsewhere.example');
    const encoded = await pair.get(blockOf('!blocked:elsewhere.example'));
    expect(encoded.body).toEqual({ block: true, user_id: ADMIN_USER_ID });
    expect((await pair.get(`${ROOMS}/!blocked:elsewhere.example/block`)).body).toEqual(encoded.body);
  });

  it('accepts v12 (domainless) IDs', async () => {
    expect((await pair.get(blockOf(V12_ROOM_ID))).status).toBe(200);
  });

  it.each(['invalidroom', '#alias:mock.example', '!abc', '!a:bad_host'])(
    '%j → 400 M_UNKNOWN "<id> is not a legal room ID", nothing reaches Synapse',
    async (roomId) => {
      await pair.expectRefused(blockOf(roomId), 400, 'M_UNKNOWN', `${roomId} is not a legal room ID`);
    },
  );

  it('no token → 401 before the ID check; nothing reaches Synapse', async () => {
    await pair.expectMissingToken(blockOf('invalidroom'));
  });
});
