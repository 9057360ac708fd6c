// DELETE v2 and delete status: the scheduled → active → complete lifecycle, failures, and the 400/404 texts.
import { describe, it, expect } from 'vitest';
import { call, enc, useMockSynapse } from './support.ts';
import * as F from '../../src/mock/fixtures.ts';

let nowMs = 1_800_000_000_000;
const mock = useMockSynapse({ clock: () => nowMs, deleteTaskTiming: { scheduledMs: 1000, activeMs: 5000 } });
const v2 = (roomId: string, body: object | string = {}) => call(mock(), 'DELETE', `/_synapse/admin/v2/rooms/${enc(roomId)}`, { body });
const byId = (deleteId: string) => call(mock(), 'GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`);
const byRoom = (roomId: string) => call(mock(), 'GET', `/_synapse/admin/v2/rooms/${enc(roomId)}/delete_status`);

describe('DELETE v2 lifecycle', () => {
  it('moves scheduled → active → complete, and hides scheduled tasks from the by-room listing', async () => {
    const res = await v2(F.REPLACEMENT_ROOM_ID, { block: true });
    const deleteId = res.body.delete_id as string;
    expect(deleteId).toMatch(/^[A-Za-z]{16}$/);
    expect((await byId(deleteId)).body).toEqual({ delete_id: deleteId, room_id: F.REPLACEMENT_ROOM_ID, status: 'scheduled', shutdown_room: null });
    expect((await byRoom(F.REPLACEMENT_ROOM_ID)).body).toEqual({ errcode: 'M_NOT_FOUND', error: `No delete task for room_id '${F.REPLACEMENT_ROOM_ID}' found` });
    nowMs += 1000;
    const active = await byId(deleteId);
    expect(active.body).toMatchObject({ status: 'active', shutdown_room: { kicked_users: ['@admin:mock.example', '@alice:mock.example'] } });
    expect((await v2(F.REPLACEMENT_ROOM_ID)).body).toEqual({ errcode: 'M_UNKNOWN', error: `Purge already in progress for ${F.REPLACEMENT_ROOM_ID}` });
    nowMs += 5000;
    expect((await byRoom(F.REPLACEMENT_ROOM_ID)).body.results).toEqual([expect.objectContaining({ delete_id: deleteId, status: 'complete' })]);
    expect((await call(mock(), 'GET', `/_synapse/admin/v1/rooms/${enc(F.REPLACEMENT_ROOM_ID)}`)).status).toBe(404);
    expect((await call(mock(), 'GET', `/_synapse/admin/v1/rooms/${enc(F.REPLACEMENT_ROOM_ID)}/block`)).body.block).toBe(true);
  });

  it('ends failed for the failing room', async () => {
    const deleteId = (await v2(F.FAILING_DELETE_ROOM_ID)).body.delete_id as string;
    nowMs += 10_000;
    expect((await byId(deleteId)).body.status).toBe('failed');
    expect((await byId(deleteId)).body).not.toHaveProperty('error');
  });

  it('validates like Synapse: body, booleans, room ID, then new_room_user_id', async () => {
    expect((await v2(F.EMPTY_ROOM_ID, '')).body.error).toBe('Content not JSON.');
    expect((await v2(F.EMPTY_ROOM_ID, { force_purge: 0 })).body.error).toBe("Param 'force_purge' must be a boolean, if given");
    expect((await v2('#alias:mock.example')).body.error).toBe('#alias:mock.example is not a legal room ID');
    expect((await v2(F.EMPTY_ROOM_ID, { new_room_user_id: '@a:b.c' })).body.error).toBe('User must be our own: @a:b.c');
  });
});

describe('delete status fixtures', () => {
  it('serves the pre-existing complete, failed and purge-only tasks', async () => {
    expect((await byId(F.COMPLETE_DELETE_ID)).body).toMatchObject({ status: 'complete', room_id: F.COMPLETE_DELETE_ROOM_ID });
    expect((await byId(F.FAILED_DELETE_ID)).body.status).toBe('failed');
    expect((await byId(F.NULL_SHUTDOWN_DELETE_ID)).body.shutdown_room).toBeNull();
  });

  it('answers 404 for unknown delete IDs and 400 for illegal room IDs', async () => {
    expect((await byId('nope')).body).toEqual({ errcode: 'M_NOT_FOUND', error: "delete id 'nope' not found" });
    expect((await byRoom('nope')).body).toEqual({ errcode: 'M_UNKNOWN', error: 'nope is not a legal room ID' });
  });

  it('routes /delete_status/delete_status to the by-delete-ID servlet, which Synapse registers first', async () => {
    const res = await byId('delete_status');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ errcode: 'M_NOT_FOUND', error: "delete id 'delete_status' not found" });
  });
});
