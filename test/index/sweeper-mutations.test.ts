// Mutations through the facade update the index at once, without waiting for a sweep: a block or unblock (owned
// route or bulk job) sets the room's flag; a delete that completes (v1's 200; a v2 task seen `complete` by a
// client's poll or a job) removes the room — unless it was shut down without purge. Failed deletes change nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fixtures from '../../src/mock/fixtures.ts';
import { FAILING_DELETE_ROOM_ID, LOCAL_ONLY_ROOM_ID, SPACE_ROOM_ID } from '../../src/mock/fixtures.ts';
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { ended, startJob, waitForJob } from '../jobs/support/jobs-client.ts';
import { sendAs } from '../routes/mutations/support.ts';
import { indexedRoom } from './support/sweeper-harness.ts';

let mock: MockSynapse;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse({ deleteTaskTiming: { scheduledMs: 20, activeMs: 60 } });
  // No sweep after the first: whatever changes in the index below, a mutation changed it.
  facade = await startTestFacade(mock.url, { facadeAdminToken: DEFAULT_ADMIN_TOKEN, indexRefreshMs: 600_000, indexMaxUpstreamShare: 1, deleteFollowIntervalMs: 600_000 });
  await facade.index.wake();
});
afterAll(async () => {
  await facade?.close();
  await mock?.close();
});

const enc = encodeURIComponent;
const FIXTURE_VALUES = new Set<unknown>(Object.values(fixtures));
/** Generated rooms (no fixture), `count` of them from `start` in ID order: each test takes its own. */
const plainRooms = (start: number, count: number) => {
  const rooms = [...mock.state.rooms.keys()].filter((id) => !FIXTURE_VALUES.has(id) && id.endsWith(':mock.example')).sort().slice(start, start + count);
  if (rooms.length !== count) throw new Error('the mock has too few generated rooms');
  return rooms;
};
const blockedFlag = async (roomId: string) => (await indexedRoom(facade, roomId))?.blocked;

/** Polls v2 delete_status through the facade until it answers a final status; answers the index row right then. */
async function pollUntilFinal(deleteId: string) {
  for (;;) {
    const answer = await sendAs(facade.url, 'GET', `/_synapse/admin/v2/rooms/delete_status/${enc(deleteId)}`);
    const status = (answer.body as { status?: string }).status;
    if (status === 'complete' || status === 'failed') return status;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the index after a mutation through the facade', () => {
  it('knows nothing of a block flag before the facade sets one', async () => {
    const [roomId] = plainRooms(0, 1);
    expect(await indexedRoom(facade, roomId!)).toMatchObject({ key: roomId, blocked: null });
  });

  it('a block through the owned route marks the room blocked at once, an unblock unblocked', async () => {
    const [roomId] = plainRooms(1, 1);
    expect((await sendAs(facade.url, 'PUT', `/_synapse/admin/v1/rooms/${enc(roomId!)}/block`, { block: true })).status).toBe(200);
    expect(await blockedFlag(roomId!)).toBe(true);
    expect((await sendAs(facade.url, 'PUT', `/_synapse/admin/v1/rooms/${enc(roomId!)}/block`, { block: false })).status).toBe(200);
    expect(await blockedFlag(roomId!)).toBe(false);
  });

  it('a block Synapse refuses leaves the flag as it was', async () => {
    const [roomId] = plainRooms(2, 1);
    const refused = await sendAs(facade.url, 'PUT', `/_synapse/admin/v1/rooms/${enc(roomId!)}/block`, { block: true }, 'mock-user-token');
    expect(refused.status).toBe(403);
    expect(await blockedFlag(roomId!)).toBeNull();
  });

  it('a block job marks each room blocked as its child is done, an unblock job unblocked', async () => {
    const rooms = plainRooms(3, 3);
    const blocked = await waitForJob(facade.url, (await startJob(facade.url, { action: 'block', rooms, pace_ms: 0 })).job_id, ended);
    expect(blocked.counts.done).toBe(3);
    for (const roomId of rooms) expect(await blockedFlag(roomId)).toBe(true);
    await waitForJob(facade.url, (await startJob(facade.url, { action: 'unblock', rooms: rooms.slice(0, 1), pace_ms: 0 })).job_id, ended);
    expect(await blockedFlag(rooms[0]!)).toBe(false);
    expect(await blockedFlag(rooms[1]!)).toBe(true);
  });

  it('a v1 delete answered 200 removes the room at once', async () => {
    expect(await indexedRoom(facade, LOCAL_ONLY_ROOM_ID)).toBeDefined();
    expect((await sendAs(facade.url, 'DELETE', `/_synapse/admin/v1/rooms/${enc(LOCAL_ONLY_ROOM_ID)}`, {})).status).toBe(200);
    expect(await indexedRoom(facade, LOCAL_ONLY_ROOM_ID)).toBeUndefined();
  });

  it('a v2 delete stays indexed while its task runs and is removed when a poll sees it complete', async () => {
    const [roomId] = plainRooms(6, 1);
    const started = await sendAs(facade.url, 'DELETE', `/_synapse/admin/v2/rooms/${enc(roomId!)}`, {});
    expect(started.status).toBe(200);
    expect(await indexedRoom(facade, roomId!)).toBeDefined();
    expect(await pollUntilFinal((started.body as { delete_id: string }).delete_id)).toBe('complete');
    expect(await indexedRoom(facade, roomId!)).toBeUndefined();
  });

  it('a v2 delete that fails leaves the room indexed', async () => {
    const started = await sendAs(facade.url, 'DELETE', `/_synapse/admin/v2/rooms/${enc(FAILING_DELETE_ROOM_ID)}`, {});
    expect(await pollUntilFinal((started.body as { delete_id: string }).delete_id)).toBe('failed');
    expect(await indexedRoom(facade, FAILING_DELETE_ROOM_ID)).toBeDefined();
  });

  it('a delete without purge keeps the room (Synapse still lists it), marked blocked when the delete blocked it', async () => {
    const started = await sendAs(facade.url, 'DELETE', `/_synapse/admin/v2/rooms/${enc(SPACE_ROOM_ID)}`, { purge: false, block: true });
    expect(await pollUntilFinal((started.body as { delete_id: string }).delete_id)).toBe('complete');
    expect(await indexedRoom(facade, SPACE_ROOM_ID)).toMatchObject({ key: SPACE_ROOM_ID, blocked: true });
    // …and Synapse does list it still: the next sweeps keep it.
    await facade.index.wake();
    await facade.index.wake();
    expect(await indexedRoom(facade, SPACE_ROOM_ID)).toMatchObject({ blocked: true });
  });

  it('a delete job removes each room as the job sees its task complete', async () => {
    const rooms = plainRooms(7, 2);
    const job = await waitForJob(facade.url, (await startJob(facade.url, { action: 'delete', rooms, pace_ms: 0 })).job_id, ended);
    expect(job.counts.done).toBe(2);
    for (const roomId of rooms) expect(await indexedRoom(facade, roomId)).toBeUndefined();
  });
});
