// A delete job: each room is a v2 delete followed until its task ends before the slot takes the next room,
// every delete recorded in the store with the job's ID, a task that fails making its room `failed`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USER_ID } from '../../src/mock/constants.ts';
import { FAILING_DELETE_ROOM_ID } from '../../src/mock/fixtures.ts';
import { startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { startCountingProxy, type CountingProxy } from './support/counting-proxy.ts';
import { ended, startJob, waitForJob } from './support/jobs-client.ts';

const ACTIVE_MS = 80;
let mock: MockSynapse;
let proxy: CountingProxy;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse({ latencyMs: 5, deleteTaskTiming: { scheduledMs: 20, activeMs: ACTIVE_MS } });
  proxy = await startCountingProxy(mock.url, (method, url) => method === 'DELETE' && url.startsWith('/_synapse/admin/v2/rooms/'));
  facade = await startTestFacade(proxy.url, { deleteFollowIntervalMs: 20 });
});
afterAll(async () => {
  await facade.close();
  await proxy.close();
  await mock.close();
});

/** Rooms of the mock whose deletion succeeds. */
const deletableRooms = (count: number) => [...mock.state.rooms.values()].filter((room) => !room.deleteAlwaysFails).slice(0, count).map((room) => room.roomId);

describe('a delete job', () => {
  it('follows each delete to its end before the next one starts, and records every delete with the job ID', async () => {
    const rooms = deletableRooms(3);
    const started = await startJob(facade.url, { action: 'delete', rooms, options: { block: true, message: 'Spam cleanup' }, concurrency: 1, pace_ms: 0 });
    expect(started.options).toEqual({ block: true, purge: true, force_purge: false, message: 'Spam cleanup' });
    const job = await waitForJob(facade.url, started.job_id, ended);

    expect(job.state).toBe('finished');
    expect(job.counts.done).toBe(3);
    const deleteIds = job.children.map((child) => child.delete_id);
    for (const child of job.children) expect(child.result).toMatchObject({ delete_id: child.delete_id, status: 'complete' });
    // Each next DELETE reached Synapse only after the previous task had ended there.
    expect(proxy.seen.map((seen) => decodeURIComponent(seen.url))).toEqual(rooms.map((room) => `/_synapse/admin/v2/rooms/${room}`));
    const tasks = deleteIds.map((deleteId) => mock.state.deleteTasks.find((task) => task.deleteId === deleteId)!);
    for (let index = 1; index < rooms.length; index += 1) expect(proxy.seen[index]!.at).toBeGreaterThanOrEqual(tasks[index - 1]!.timestamp);
    expect(tasks.every((task) => task.status === 'complete' && task.request?.block === true && task.request.message === 'Spam cleanup')).toBe(true);

    for (const [index, room] of rooms.entries()) {
      const [record] = await facade.context.store.deletesOfRoom(room);
      expect(record).toMatchObject({ deleteId: deleteIds[index], api: 'v2', jobId: started.job_id, admin: ADMIN_USER_ID, status: 'complete' });
      expect(record!.history.map((seen) => seen.status)).toContain('complete');
    }
    // The job follows its own deletes: the delete follower (a pass every 20 ms here) never asked Synapse about them.
    const followerPolls = (await facade.context.metrics.deletesFollowed.get()).values.reduce((sum, { value }) => sum + value, 0);
    expect(followerPolls).toBe(0);
    const rows = await facade.context.store.listAudit({ action: 'room.delete', limit: 10 });
    expect(rows.filter((row) => row.details.job_id === started.job_id).map((row) => row.details.delete_id).sort()).toEqual([...deleteIds].sort());
  });

  it('marks a room whose task fails as failed, and goes on with the others', async () => {
    const [room] = deletableRooms(4).slice(3);
    const started = await startJob(facade.url, { action: 'delete', rooms: [FAILING_DELETE_ROOM_ID, room], pace_ms: 0 });
    const job = await waitForJob(facade.url, started.job_id, ended);
    expect(job.state).toBe('finished');
    expect(job.children.map((child) => child.state)).toEqual(['failed', 'done']);
    expect(job.children[0]).toMatchObject({ result: { status: 'failed' }, error: expect.any(String) });
    expect(job.errors).toEqual([{ position: 0, room_id: FAILING_DELETE_ROOM_ID, error: job.children[0]!.error }]);
  });
});
