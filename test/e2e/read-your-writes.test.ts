// Read-your-writes (issue 14): a write through the facade is visible to every read after it, cache or not.
import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { synapsePaths } from '../../scripts/synapse/paths.ts';
import { admin, seg } from './support/compare.ts';
import { blockStatus, roomDetails, roomList, unchanged, type Json } from './support/expected.ts';
import { runningBehaviour, taskIds } from './support/versions.ts';
import {
  createRoom, onSynapse, pollReplies, readBoth, registerUser, uniqueName, useCachingFacade, viaFacade, warm, type Call, type Reply,
} from './support/cache-probe.ts';

useCachingFacade();
const synapse = () => inject('synapse');

/** The owned reads about one room, as the admin sends them; `list` is the rooms list filtered to its unique name. */
function readsOf(roomId: string, name: string) {
  const read = (path: string): Call => ({ target: admin(path), token: synapse().adminToken });
  return {
    details: read(`/v1/rooms/${seg(roomId)}`),
    members: read(`/v1/rooms/${seg(roomId)}/members`),
    state: read(`/v1/rooms/${seg(roomId)}/state`),
    block: read(`/v1/rooms/${seg(roomId)}/block`),
    deleteStatus: read(`/v2/rooms/${seg(roomId)}/delete_status`),
    list: read(`/v1/rooms?search_term=${encodeURIComponent(name)}`),
  };
}

/** The one entry of a filtered rooms list that is `roomId` (undefined when the list does not have it). */
const entryOf = (list: Json, roomId: string) => (list.rooms as Json[]).find((room) => room.room_id === roomId);

/** A write through the facade as the admin; it must succeed. */
async function write(method: Call['method'], target: string, body: unknown): Promise<Reply> {
  const answer = await viaFacade({ method, target, token: synapse().adminToken, body });
  expect(answer.status, `${method} ${target}: ${JSON.stringify(answer.body)}`).toBe(200);
  return answer;
}

/**
 * Reads details and the filtered list after a write (each equal to Synapse's own answer) and checks that
 * `field` rose by exactly one in both since the warmed `details` and `list` replies.
 */
async function expectRoseByOne(reads: ReturnType<typeof readsOf>, roomId: string, field: string, details: Reply, list: Reply): Promise<void> {
  const after = await readBoth(reads.details, roomDetails);
  expect(after.facade.body[field], `details ${field}`).toBe((details.body[field] as number) + 1);
  const listAfter = await readBoth(reads.list, roomList);
  expect(entryOf(listAfter.facade.body, roomId)?.[field], `list entry ${field}`).toBe((entryOf(list.body, roomId)![field] as number) + 1);
}

/** `reply` was not served from the cache. */
const expectNotHit = (reply: Reply, label: string) => expect(reply.cache, label).not.toBe('hit');

/** The rank of a delete status: it may only go up. */
const RANK: Record<string, number> = { scheduled: 0, active: 1, complete: 2, failed: 2 };

/** Whether Synapse's log says its task `deleteId` failed on its own SQLite foreign-key check. */
async function failedOnForeignKey(deleteId: string): Promise<boolean> {
  const log = await readFile(synapsePaths.log, 'utf8');
  const failed = log.indexOf(`scheduled task ${deleteId} failed`);
  if (failed < 0) return false;
  const traceback = log.slice(failed, log.indexOf(' - INFO - ', failed));
  return traceback.includes('FOREIGN KEY constraint failed');
}

describe('read-your-writes through the caching facade', () => {
  it('a join via the admin API shows in members, details and the list entry at once', async () => {
    const name = uniqueName('join');
    const roomId = await createRoom(synapse().adminToken, name);
    const reads = readsOf(roomId, name);
    await warm(reads.members);
    const details = await warm(reads.details);
    const list = await warm(reads.list);
    await write('POST', admin(`/v1/join/${seg(roomId)}`), { user_id: synapse().userUserId });
    const members = await readBoth(reads.members, unchanged);
    expect(members.facade.body.members).toContain(synapse().userUserId);
    await expectRoseByOne(reads, roomId, 'joined_members', details, list);
  });

  it('a rename via the client API shows in details, state and the list entry at once', async () => {
    const name = uniqueName('rename');
    const roomId = await createRoom(synapse().adminToken, name);
    const reads = readsOf(roomId, name);
    for (const read of [reads.details, reads.state, reads.list]) await warm(read);
    const renamed = `${name}-renamed`;
    await write('PUT', `/_matrix/client/v3/rooms/${seg(roomId)}/state/m.room.name`, { name: renamed });
    expect((await readBoth(reads.details, roomDetails)).facade.body.name).toBe(renamed);
    const state = (await readBoth(reads.state, unchanged)).facade.body.state as Json[];
    expect(state.find((event) => event.type === 'm.room.name')?.content).toStrictEqual({ name: renamed });
    expect(entryOf((await readBoth(reads.list, roomList)).facade.body, roomId)?.name).toBe(renamed);
  });

  it('make_room_admin shows in state, details and the list entry at once', async () => {
    const name = uniqueName('make-admin');
    const roomId = await createRoom(synapse().userToken, name, 'private_chat');
    const reads = readsOf(roomId, name);
    await warm(reads.state);
    const details = await warm(reads.details);
    const list = await warm(reads.list);
    await write('POST', admin(`/v1/rooms/${seg(roomId)}/make_room_admin`), {});
    const state = (await readBoth(reads.state, unchanged)).facade.body.state as Json[];
    const levels = state.find((event) => event.type === 'm.room.power_levels')?.content as { users: Record<string, number> };
    expect(levels.users[synapse().adminUserId]).toBe(100);
    // Synapse invites the admin into a room that is not public (it joins nobody).
    const membership = state.find((event) => event.type === 'm.room.member' && event.state_key === synapse().adminUserId);
    expect((membership?.content as Json | undefined)?.membership).toBe('invite');
    await expectRoseByOne(reads, roomId, 'state_events', details, list);
  });

  it('a deactivated user leaves the members list without a cache hit on the way', async () => {
    const name = uniqueName('deactivate');
    const roomId = await createRoom(synapse().adminToken, name);
    const leaver = await registerUser('e2eleaver');
    const joined = await onSynapse({ method: 'POST', target: `/_matrix/client/v3/join/${seg(roomId)}`, token: leaver.accessToken, body: {} });
    expect(joined.status, JSON.stringify(joined.body)).toBe(200);
    const reads = readsOf(roomId, name);
    expect((await warm(reads.members)).body.members).toContain(leaver.userId);
    await write('POST', admin(`/v1/deactivate/${seg(leaver.userId)}`), { erase: false });
    // Synapse parts the user's rooms in a background task: poll through the facade.
    const gone = (reply: Reply) => reply.status === 200 && !(reply.body.members as string[]).includes(leaver.userId);
    const polled = await pollReplies(() => viaFacade(reads.members), gone, 10_000);
    expect(polled.map((reply) => reply.cache), 'members reads while Synapse parts the user').not.toContain('hit');
    expect(gone(polled.at(-1)!), `still a member after ${polled.length} reads`).toBe(true);
    expect((await readBoth(reads.members, unchanged)).facade.body.members).not.toContain(leaver.userId);
  });

  it('a v2 delete: status reads are never stale, then the room is gone from details and the list at once', async () => {
    const name = uniqueName('delete');
    const roomId = await createRoom(synapse().userToken, name);
    const reads = readsOf(roomId, name);
    for (const read of [reads.details, reads.block, reads.list]) await warm(read);
    // A room without a delete task is Synapse's 404, which is never cached, so it cannot be warmed.
    for (let i = 0; i < 2; i++) {
      const none = await viaFacade(reads.deleteStatus);
      expect({ status: none.status, errcode: none.body.errcode }).toStrictEqual({ status: 404, errcode: 'M_NOT_FOUND' });
      expectNotHit(none, 'delete status of a room without a task');
    }
    /** One v2 delete through the facade, polled to its end; every status read fresh and never going backwards. */
    const deleteAndPoll = async () => {
      const deleteId = (await write('DELETE', admin(`/v2/rooms/${seg(roomId)}`), {})).body.delete_id as string;
      const byId: Call = { target: admin(`/v2/rooms/delete_status/${deleteId}`), token: synapse().adminToken };
      let rank = -1;
      let roomListed = false;
      const polled = await pollReplies(async () => {
        expectNotHit(await viaFacade(reads.block), 'block status during the delete');
        const ofRoom = await viaFacade(reads.deleteStatus);
        expectNotHit(ofRoom, 'delete status of the room during the delete');
        // Synapse answers the DELETE once the task is stored as `scheduled` and launches it in the background; its
        // by-room status lists only active, complete and failed tasks (pagination.py, get_delete_tasks_by_room), so
        // until the launch it is still 404 (seen on PostgreSQL, whose round trips widen that window). Once listed,
        // the room's task never goes back to 404.
        if (roomListed || ofRoom.status !== 404) {
          expect(ofRoom.status, JSON.stringify(ofRoom.body)).toBe(200);
          roomListed = true;
        } else {
          expect(ofRoom.body.errcode).toBe('M_NOT_FOUND');
        }
        const task = await viaFacade(byId);
        expect(task.status, JSON.stringify(task.body)).toBe(200);
        const next = RANK[task.body.status as string];
        expect(next, `status ${String(task.body.status)} after rank ${rank}`).toBeGreaterThanOrEqual(rank);
        rank = next!;
        return task;
      }, (task) => task.body.status === 'complete' || task.body.status === 'failed', 30_000);
      const ended = await viaFacade(reads.deleteStatus);
      expectNotHit(ended, 'delete status of the room after the delete');
      expect(ended.status, JSON.stringify(ended.body)).toBe(200);
      expect((ended.body.results as Json[]).map((task) => task.delete_id)).toContain(deleteId);
      return { deleteId, last: polled.at(-1)!.body };
    };
    // Synapse 1.163.2 on SQLite sometimes fails the purge of a room created a moment ago with its own
    // `FOREIGN KEY constraint failed` (its task ends `failed`, which the facade reports as it is; seen once in CI):
    // that is Synapse's defect, so the delete is asked again, at most three times, as test/e2e/index.test.ts does.
    // Its answer carries no reason, so only a failure its log shows to be that one is tried again.
    let ended = await deleteAndPoll();
    for (let attempt = 2; attempt <= 3 && ended.last.status === 'failed' && (await failedOnForeignKey(ended.deleteId)); attempt += 1) {
      ended = await deleteAndPoll();
    }
    const { deleteTasks } = runningBehaviour(synapse());
    expect(ended.last).toMatchObject({ ...taskIds(deleteTasks, 'byId', { deleteId: ended.deleteId, roomId }).facade, status: 'complete' });
    const details = await readBoth(reads.details, roomDetails);
    expect({ status: details.facade.status, errcode: details.facade.body.errcode }).toStrictEqual({ status: 404, errcode: 'M_NOT_FOUND' });
    expect(entryOf((await readBoth(reads.list, roomList)).facade.body, roomId)).toBeUndefined();
    expectNotHit((await readBoth(reads.block, blockStatus)).facade, 'block status after the delete');
  });
});
