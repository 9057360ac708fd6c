// Mutations with state: PUT block, v1 DELETE, DELETE forward_extremities, make_room_admin.
import { describe, it, expect } from 'vitest';
import { call, enc, useMockSynapse } from './support.ts';
import * as F from '../../src/mock/fixtures.ts';

const mock = useMockSynapse();
const room = (roomId: string, tail = ''): string => `/_synapse/admin/v1/rooms/${enc(roomId)}${tail}`;

describe('PUT/GET block', () => {
  it('checks body, then room ID, then params, in that order', async () => {
    expect((await call(mock(), 'PUT', room('bad', '/block'), { body: '' })).body).toEqual({ errcode: 'M_NOT_JSON', error: 'Content not JSON.' });
    expect((await call(mock(), 'PUT', room('bad', '/block'), { body: '[]' })).body).toEqual({ errcode: 'M_BAD_JSON', error: 'Content must be a JSON object.' });
    expect((await call(mock(), 'PUT', room('bad', '/block'), { body: {} })).body).toEqual({ errcode: 'M_UNKNOWN', error: 'bad is not a legal room ID' });
    expect((await call(mock(), 'PUT', room('!x:mock.example', '/block'), { body: {} })).body).toEqual({ errcode: 'M_MISSING_PARAM', error: "Missing params: ['block']" });
    expect((await call(mock(), 'PUT', room('!x:mock.example', '/block'), { body: { block: 1 } })).body).toEqual({ errcode: 'M_BAD_JSON', error: "Param 'block' must be a boolean." });
  });

  it('keeps the first blocker and drops user_id when unblocked', async () => {
    const roomId = '!blockMe:other.example';
    await call(mock(), 'PUT', room(roomId, '/block'), { body: { block: true } });
    expect((await call(mock(), 'GET', room(roomId, '/block'))).body).toEqual({ block: true, user_id: '@admin:mock.example' });
    await call(mock(), 'PUT', room(roomId, '/block'), { body: { block: false } });
    expect((await call(mock(), 'GET', room(roomId, '/block'))).body).toEqual({ block: false });
  });
});

describe('DELETE v1', () => {
  it('validates body fields with "if given" texts', async () => {
    expect((await call(mock(), 'DELETE', room(F.EMPTY_ROOM_ID), { body: { purge: 'yes' } })).body.error).toBe("Param 'purge' must be a boolean, if given");
    expect((await call(mock(), 'DELETE', room('nope'), { body: {} })).body.error).toBe('nope is not a legal room ID');
  });

  it('answers 200 with empty lists for an unknown room', async () => {
    const res = await call(mock(), 'DELETE', room('!unknown:mock.example'), { body: {} });
    expect(res.body).toEqual({ kicked_users: [], failed_to_kick_users: [], local_aliases: [], new_room_id: null });
  });

  it('blocks before rejecting a remote new_room_user_id', async () => {
    const res = await call(mock(), 'DELETE', room(F.NO_EXTREMITIES_ROOM_ID), { body: { block: true, new_room_user_id: '@x:elsewhere.org' } });
    expect(res.body).toEqual({ errcode: 'M_UNKNOWN', error: 'User must be our own: @x:elsewhere.org' });
    expect((await call(mock(), 'GET', room(F.NO_EXTREMITIES_ROOM_ID, '/block'))).body.block).toBe(true);
  });

  it('refuses to purge while a local user could not be kicked', async () => {
    const res = await call(mock(), 'DELETE', room(F.STUCK_MEMBER_ROOM_ID), { body: {} });
    expect(res.body).toEqual({ errcode: 'M_UNKNOWN', error: 'Users are still joined to this room' });
  });

  it('kicks local users, moves aliases to a new room and purges', async () => {
    const res = await call(mock(), 'DELETE', room(F.BIG_ROOM_ID), { body: { new_room_user_id: '@admin:mock.example', room_name: 'Gone' } });
    expect(res.status).toBe(200);
    expect((res.body.kicked_users as string[]).length).toBe(40);
    expect(res.body.local_aliases).toEqual([F.BIG_ROOM_ALIAS]);
    const newRoomId = res.body.new_room_id as string;
    expect((await call(mock(), 'GET', room(newRoomId))).body).toMatchObject({ name: 'Gone', joined_local_members: 40 });
    expect((await call(mock(), 'GET', room(F.BIG_ROOM_ID))).status).toBe(404);
  });
});

describe('forward extremities', () => {
  it('resolves aliases and keeps only the newest extremity', async () => {
    const path = room(F.LOCAL_ONLY_ROOM_ID, '/forward_extremities');
    expect((await call(mock(), 'GET', path)).body.count).toBe(2);
    expect((await call(mock(), 'DELETE', path)).body).toEqual({ deleted: 1 });
    expect((await call(mock(), 'GET', path)).body.count).toBe(1);
  });

  it('answers 500 for a room without extremities (Synapse bug) and count 0 for unknown rooms', async () => {
    expect(await call(mock(), 'DELETE', room('!unknown:mock.example', '/forward_extremities'))).toMatchObject({ status: 500, body: { errcode: 'M_UNKNOWN', error: 'Internal server error' } });
    expect((await call(mock(), 'GET', room('!unknown:mock.example', '/forward_extremities'))).body).toEqual({ count: 0, results: [] });
    expect((await call(mock(), 'GET', room('nonsense', '/forward_extremities'))).body.error).toBe('nonsense was not legal room ID or room alias');
    expect((await call(mock(), 'GET', room('#missing:mock.example', '/forward_extremities'))).body.error).toBe('Room alias #missing:mock.example not found');
  });
});

describe('make_room_admin', () => {
  const admin = (roomId: string, body?: object) => call(mock(), 'POST', room(roomId, '/make_room_admin'), body === undefined ? {} : { body });

  it('accepts an empty body and succeeds where a local admin exists', async () => {
    expect(await admin(F.REPLACEMENT_ROOM_ID)).toMatchObject({ status: 200, body: {} });
  });

  it('reports the Synapse texts for rooms it cannot manage', async () => {
    expect((await admin(F.REMOTE_ONLY_ROOM_ID)).body).toEqual({ errcode: 'M_UNKNOWN', error: 'Server not in room' });
    expect((await admin(F.NO_LOCAL_ADMIN_ROOM_ID)).body).toEqual({ errcode: 'M_UNKNOWN', error: 'No local admin user in room' });
  });

  it('invites the target into an invite-only room', async () => {
    await admin(F.LOCAL_ONLY_ROOM_ID, { user_id: '@newbie:mock.example' });
    const state = (await call(mock(), 'GET', room(F.LOCAL_ONLY_ROOM_ID, '/state?type=m.room.member'))).body.state as Array<Record<string, unknown>>;
    expect(state.find((event) => event.state_key === '@newbie:mock.example')).toMatchObject({ content: { membership: 'invite' } });
  });
});
