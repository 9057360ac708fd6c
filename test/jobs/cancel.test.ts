// Cancelling a running job: no further room starts, pending rooms become skipped, the room in flight
// finishes (a delete is followed to its end), and only then is the job cancelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { api, ended, startJob, waitForJob } from './support/jobs-client.ts';
import type { JobView } from '../../schemas/jobs.ts';

const ACTIVE_MS = 200;
let mock: MockSynapse;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse({ latencyMs: 120, deleteTaskTiming: { scheduledMs: 10, activeMs: ACTIVE_MS } });
  facade = await startTestFacade(mock.url, { deleteFollowIntervalMs: 20 });
});
afterAll(async () => {
  await facade.close();
  await mock.close();
});

/** Resolves once the mock has received `count` requests `matching`. */
async function untilMockSaw(count: number, matching: (method: string, url: string) => boolean): Promise<void> {
  while (mock.requests.filter((seen) => matching(seen.method, seen.url)).length < count) await new Promise((resolve) => setTimeout(resolve, 2));
}

const isBlockPut = (method: string, url: string) => method === 'PUT' && url.includes('cancel-block');

describe('cancelling a job', () => {
  it('skips the pending rooms at once and lets the room in flight finish', async () => {
    const rooms = Array.from({ length: 6 }, (_, index) => `!cancel-block${index}:mock.example`);
    const started = await startJob(facade.url, { action: 'block', rooms, pace_ms: 30 });
    // The second room's request is at the mock, which holds its answer for 120 ms.
    await untilMockSaw(2, isBlockPut);
    const cancelled = await api<JobView>(facade.url, 'POST', `/_facade/v1/jobs/${started.job_id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.state).toBe('cancelling');
    expect(cancelled.body.children.map((child) => child.state)).toEqual(['done', 'sending', 'skipped', 'skipped', 'skipped', 'skipped']);

    const job = await waitForJob(facade.url, started.job_id, ended);
    expect(job.state).toBe('cancelled');
    expect(job.finished_at).not.toBeNull();
    expect(job.children.map((child) => child.state)).toEqual(['done', 'done', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(job.counts).toMatchObject({ done: 2, skipped: 4, pending: 0 });
    expect(mock.requests.filter((seen) => isBlockPut(seen.method, seen.url))).toHaveLength(2);
    const rows = await facade.context.store.listAudit({ action: 'job.cancel', limit: 5 });
    expect(rows).toMatchObject([{ kind: 'job', status: 200, details: { job_id: started.job_id, count: 6 } }]);

    const again = await api(facade.url, 'POST', `/_facade/v1/jobs/${started.job_id}/cancel`);
    expect(again).toMatchObject({ status: 409, body: { errcode: 'M_UNKNOWN', error: 'The job is already cancelled' } });
  });

  it('follows a delete in flight to its end before the job is cancelled', async () => {
    const rooms = [...mock.state.rooms.values()].filter((room) => !room.deleteAlwaysFails).slice(0, 3).map((room) => room.roomId);
    const started = await startJob(facade.url, { action: 'delete', rooms, pace_ms: 0 });
    await untilMockSaw(1, (method, url) => method === 'DELETE' && url.startsWith('/_synapse/admin/v2/rooms/'));
    const cancelled = await api<JobView>(facade.url, 'POST', `/_facade/v1/jobs/${started.job_id}/cancel`);
    expect(cancelled.body.state).toBe('cancelling');

    const job = await waitForJob(facade.url, started.job_id, ended);
    expect(job.state).toBe('cancelled');
    expect(job.children.map((child) => child.state)).toEqual(['done', 'skipped', 'skipped']);
    expect(job.children[0]!.result).toMatchObject({ status: 'complete' });
    // The job ended only after the task did (scheduled 10 ms, then active 200 ms).
    expect(Date.parse(job.finished_at!) - Date.parse(job.children[0]!.sent_at!)).toBeGreaterThanOrEqual(ACTIVE_MS);
    expect(mock.requests.filter((seen) => seen.method === 'DELETE')).toHaveLength(1);
  });
});
