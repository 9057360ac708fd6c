// Mutations through the facade (owned or passed through): documented outcomes, and Synapse's own validation errors.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, inject, it } from 'vitest';
import { admin, direct, expectSameError, expectSameSuccess, seg, useFacade, viaFacade, type Exchange } from './support/compare.ts';
import { blockStatus, deleteTaskById, deleteTasksOfRoom, destinationDetails, unchanged, type Json } from './support/expected.ts';
import { runningBehaviour, taskIds } from './support/versions.ts';

useFacade();
const json = (method: Exchange['method'], target: string, body: unknown): Exchange => ({
  method, target: admin(target), body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' },
});
const unknownRoomId = () => `!e2e${randomBytes(6).toString('hex')}:${inject('synapse').serverName}`;

/** A fresh room created by the ordinary user (so the admin is not in it). */
async function freshRoom(preset = 'private_chat'): Promise<string> {
  const answer = await direct({ method: 'POST', target: '/_matrix/client/v3/createRoom', token: 'user', body: JSON.stringify({ preset }) });
  expect(answer.status).toBe(200);
  return answer.body.room_id as string;
}

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(200);
  }
}

describe('e2e mutations', () => {
  it('block then unblock a room; the status reads agree with Synapse at each step', async () => {
    const roomId = unknownRoomId();
    expect(await viaFacade(json('PUT', `/v1/rooms/${seg(roomId)}/block`, { block: true }))).toStrictEqual({ status: 200, body: { block: true } });
    await expectSameSuccess({ target: admin(`/v1/rooms/${seg(roomId)}/block`) }, blockStatus);
    const blocked = await viaFacade({ target: admin(`/v1/rooms/${seg(roomId)}/block`) });
    expect(blocked.body).toStrictEqual({ block: true, user_id: inject('synapse').adminUserId });
    expect(await viaFacade(json('PUT', `/v1/rooms/${seg(roomId)}/block`, { block: false }))).toStrictEqual({ status: 200, body: { block: false } });
    expect((await viaFacade({ target: admin(`/v1/rooms/${seg(roomId)}/block`) })).body).toStrictEqual({ block: false, user_id: null });
  });

  it('block: bad bodies and room IDs get Synapse’s own errors (body checked before the room ID)', async () => {
    const roomId = seg(unknownRoomId());
    for (const body of ['', '{', '[1]', 'null', '{}', '{"block":"yes"}', '{"block":1}', '{"block":NaN}']) {
      await expectSameError(json('PUT', `/v1/rooms/${roomId}/block`, body));
      await expectSameError(json('PUT', '/v1/rooms/not-a-room/block', body));
    }
    await expectSameError(json('PUT', '/v1/rooms/not-a-room/block', { block: true }));
  });

  it('v2 delete: accepted, status polled to complete, both status reads equal Synapse’s after normalisation', async () => {
    const roomId = await freshRoom();
    const started = await viaFacade(json('DELETE', `/v2/rooms/${seg(roomId)}`, {}));
    expect(started.status).toBe(200);
    const deleteId = started.body.delete_id as string;
    expect(deleteId).toMatch(/^[A-Za-z]{16}$/);
    const final = await poll(() => viaFacade({ target: admin(`/v2/rooms/delete_status/${deleteId}`) }), (a) => a.body.status === 'complete');
    const { deleteTasks } = runningBehaviour(inject('synapse'));
    expect(final.body).toMatchObject({ ...taskIds(deleteTasks, 'byId', { deleteId, roomId }).facade, status: 'complete' });
    expect(Object.keys(final.body).sort()).toEqual(['delete_id', 'room_id', 'shutdown_room', 'status']);
    const byId = await expectSameSuccess({ target: admin(`/v2/rooms/delete_status/${deleteId}`) }, deleteTaskById(deleteId));
    expect(Object.keys(byId).sort()).toEqual([...deleteTasks.byIdKeys, 'shutdown_room', 'status'].sort());
    const byRoom = await expectSameSuccess({ target: admin(`/v2/rooms/${seg(roomId)}/delete_status`) }, deleteTasksOfRoom(roomId));
    expect((byRoom.results as Json[]).map((task) => task.delete_id)).toContain(deleteId);
    await expectSameError({ target: admin(`/v1/rooms/${seg(roomId)}`) });
  });

  it('v2 delete of an unknown room completes with an empty result', async () => {
    const roomId = unknownRoomId();
    const started = await viaFacade(json('DELETE', `/v2/rooms/${seg(roomId)}`, { purge: true }));
    expect(started.status).toBe(200);
    const final = await poll(() => viaFacade({ target: admin(`/v2/rooms/delete_status/${String(started.body.delete_id)}`) }), (a) => a.body.status === 'complete');
    expect(final.body.status).toBe('complete');
  });

  it('v2 delete: bad bodies, room IDs and a remote new_room_user_id get Synapse’s errors', async () => {
    const roomId = seg(unknownRoomId());
    for (const body of ['', '{', '[]', '{"block":"x"}', '{"purge":1}', '{"force_purge":null}', '{"block":true,"purge":"no"}']) {
      await expectSameError(json('DELETE', `/v2/rooms/${roomId}`, body));
    }
    await expectSameError(json('DELETE', '/v2/rooms/not-a-room', {}));
    await expectSameError(json('DELETE', `/v2/rooms/${roomId}`, { new_room_user_id: '@someone:elsewhere.invalid' }));
  });

  it('v1 delete: kicks the members and purges; its errors are Synapse’s', async () => {
    const roomId = await freshRoom();
    const answer = await viaFacade(json('DELETE', `/v1/rooms/${seg(roomId)}`, {}));
    expect(answer).toStrictEqual({
      status: 200,
      body: { kicked_users: [inject('synapse').userUserId], failed_to_kick_users: [], local_aliases: [], new_room_id: null },
    });
    const unknown = seg(unknownRoomId());
    expect((await viaFacade(json('DELETE', `/v1/rooms/${unknown}`, {}))).body).toStrictEqual({
      kicked_users: [], failed_to_kick_users: [], local_aliases: [], new_room_id: null,
    });
    for (const body of ['', '{', '"x"', '{"block":"x"}', '{"purge":0}', '{"force_purge":"yes"}']) {
      await expectSameError(json('DELETE', `/v1/rooms/${unknown}`, body));
    }
    await expectSameError(json('DELETE', '/v1/rooms/not-a-room', {}));
    // §2 B9: with block:true Synapse blocks before rejecting the remote user, so only the facade is asked.
    const remote = await viaFacade(json('DELETE', `/v1/rooms/${unknown}`, { new_room_user_id: '@x:elsewhere.invalid', block: false }));
    expect(remote.status).toBe(200);
  });

  it('make_room_admin gives the admin power in a room it is not in; its errors are Synapse’s', async () => {
    const roomId = await freshRoom();
    expect(await viaFacade(json('POST', `/v1/rooms/${seg(roomId)}/make_room_admin`, {}))).toStrictEqual({ status: 200, body: {} });
    const state = (await direct({ target: admin(`/v1/rooms/${seg(roomId)}/state?type=m.room.power_levels`) })).body.state as Json[];
    // A release without the `type` filter answers every state event (test/e2e/support/versions.ts).
    expect(state.every((event) => event.type === 'm.room.power_levels')).toBe(runningBehaviour(inject('synapse')).stateTypeFilter);
    const levels = state.find((event) => event.type === 'm.room.power_levels')!.content as { users: Record<string, number> };
    expect(levels.users[inject('synapse').adminUserId]).toBe(100);
    await expectSameError(json('POST', '/v1/rooms/not-a-room/make_room_admin', {}));
    await expectSameError(json('POST', `/v1/rooms/${seg('#nope:localhost')}/make_room_admin`, {}));
    await expectSameError(json('POST', `/v1/rooms/${seg(roomId)}/make_room_admin`, '[]'));
    await expectSameError(json('POST', `/v1/rooms/${seg(unknownRoomId())}/make_room_admin`, {}));
    await viaFacade(json('DELETE', `/v2/rooms/${seg(roomId)}`, {}));
  });

  it('forward extremities: read, delete down to one, and Synapse’s 500 for a room with none', async () => {
    const roomId = await freshRoom();
    const before = await expectSameSuccess({ target: admin(`/v1/rooms/${seg(roomId)}/forward_extremities`) }, unchanged);
    expect(before.count).toBe(1);
    expect(await viaFacade({ method: 'DELETE', target: admin(`/v1/rooms/${seg(roomId)}/forward_extremities`) })).toStrictEqual({ status: 200, body: { deleted: 0 } });
    // §2 B14: Synapse's IndexError gives 500 for a room without extremities; an owning facade answers the
    // intended `{"deleted": 0}` instead, a pass-through facade Synapse's 500.
    const none = { method: 'DELETE', target: admin(`/v1/rooms/${seg(unknownRoomId())}/forward_extremities`) } as const;
    expect(await direct(none)).toStrictEqual({ status: 500, body: { errcode: 'M_UNKNOWN', error: 'Internal server error' } });
    expect([500, 200]).toContain((await viaFacade(none)).status);
    const fromFacade = await viaFacade(none);
    expect(fromFacade.body).toStrictEqual(fromFacade.status === 200 ? { deleted: 0 } : { errcode: 'M_UNKNOWN', error: 'Internal server error' });
    await expectSameError({ method: 'DELETE', target: admin('/v1/rooms/not-a-room/forward_extremities') });
    await viaFacade(json('DELETE', `/v2/rooms/${seg(roomId)}`, {}));
  });

  it('reset_connection: unknown and never-failed destinations are Synapse’s errors', async () => {
    await expectSameError(json('POST', '/v1/federation/destinations/unknown.invalid/reset_connection', {}));
    await expectSameError(json('POST', '/v1/federation/destinations/alpha.seed.invalid/reset_connection', {}));
    await expectSameError(json('POST', '/v1/federation/destinations/alpha.seed.invalid/reset_connection', 'not json'));
  });

  it('reset_connection on a destination that really failed clears its timings', async () => {
    const destination = '127.0.0.5:9';
    const details = () => viaFacade({ target: admin(`/v1/federation/destinations/${seg(destination)}`) });
    await direct({
      method: 'PUT', token: 'user', target: `/_matrix/client/v3/sendToDevice/m.test/e2e${Date.now()}`,
      body: JSON.stringify({ messages: { [`@probe:${destination}`]: { PROBEDEVICE: { hello: 'e2e' } } } }),
    });
    const failed = await poll(details, (a) => a.status === 200 && typeof a.body.failure_ts === 'number');
    expect(failed.body.retry_interval).toBeGreaterThan(0);
    await expectSameSuccess({ target: admin(`/v1/federation/destinations/${seg(destination)}`) }, destinationDetails);
    expect(await viaFacade(json('POST', `/v1/federation/destinations/${seg(destination)}/reset_connection`, {}))).toStrictEqual({ status: 200, body: {} });
    // Synapse retries the queued message at once and fails again; wait for that so later reads are stable.
    const again = await poll(details, (a) => typeof a.body.failure_ts === 'number' && a.body.failure_ts !== failed.body.failure_ts, 20_000);
    expect(again.body.retry_last_ts === 0 || (again.body.retry_last_ts as number) >= (failed.body.retry_last_ts as number)).toBe(true);
  });
});
