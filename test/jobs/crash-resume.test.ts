// A facade killed with SIGKILL in the middle of a job: the next facade on the same DATA_DIR resumes it, and
// no room is ever sent twice — the room whose request was at Synapse is settled by asking Synapse.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../schemas/jobs.ts';
import { startFacadeChild, type FacadeChild } from '../../scripts/facade-process.ts';
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { api, ended, startJob, waitForJob } from './support/jobs-client.ts';

let mock: MockSynapse;
let dataDir: string;
const children: FacadeChild[] = [];

beforeAll(async () => {
  // Slow answers: the facade is killed while Synapse holds a room's answer.
  mock = await startMockSynapse({ latencyMs: 80, deleteTaskTiming: { scheduledMs: 20, activeMs: 60 } });
});
afterAll(() => mock.close());
afterEach(async () => {
  for (const child of children.splice(0)) if (child.child.exitCode === null && child.child.signalCode === null) await child.stop(5_000);
  await rm(dataDir, { recursive: true, force: true });
});

/** A facade process on this test's DATA_DIR; `serviceToken` becomes FACADE_ADMIN_TOKEN. */
async function facadeProcess(serviceToken?: string): Promise<FacadeChild> {
  const env: Record<string, string> = { SYNAPSE_URL: mock.url, DATA_DIR: dataDir, LOG_LEVEL: 'info', DELETE_FOLLOW_INTERVAL_MS: '30' };
  if (serviceToken) env.FACADE_ADMIN_TOKEN = serviceToken;
  const child = await startFacadeChild({ env });
  children.push(child);
  return child;
}

/** Mutations the mock received for `room`. */
const mutationsOf = (room: string, method: string) =>
  mock.requests.filter((seen) => seen.method === method && decodeURIComponent(seen.url).includes(`/rooms/${room}`) && !seen.url.includes('delete_status'));

/** Kills the facade with SIGKILL as soon as the mock has received `count` requests `matching`. */
async function killAfter(child: FacadeChild, count: number, matching: (method: string, url: string) => boolean): Promise<void> {
  while (mock.requests.filter((seen) => matching(seen.method, seen.url)).length < count) await new Promise((resolve) => setTimeout(resolve, 1));
  const exited = new Promise((resolve) => child.child.once('exit', resolve));
  child.child.kill('SIGKILL');
  await exited;
}

const blockRooms = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `!${prefix}${index}:mock.example`);
const isPutOf = (prefix: string) => (method: string, url: string) => method === 'PUT' && url.includes(`!${prefix}`);

/** Every room sent at most once, and a child is done exactly when its room's request reached Synapse. */
function expectAtMostOnce(job: JobView, method: string) {
  for (const child of job.children) {
    const sent = mutationsOf(child.room_id, method).length;
    expect(sent, child.room_id).toBeLessThanOrEqual(1);
    if (child.state === 'done') expect(sent, child.room_id).toBe(1);
    else expect({ sent, state: child.state, error: child.error }).toEqual({ sent: 0, state: 'failed', error: expect.stringMatching(/not resent/) });
  }
}

describe('a job killed mid-run', () => {
  it('resumes after a restart with FACADE_ADMIN_TOKEN without repeating a room (block)', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'facade-jobs-'));
    const rooms = blockRooms('crash-block', 10);
    const first = await facadeProcess();
    const started = await startJob(first.url, { action: 'block', rooms, pace_ms: 20 });
    await killAfter(first, 4, isPutOf('crash-block'));

    const second = await facadeProcess(DEFAULT_ADMIN_TOKEN);
    const job = await waitForJob(second.url, started.job_id, ended, { timeoutMs: 20_000 });
    expect(job.state).toBe('finished');
    expectAtMostOnce(job, 'PUT');
    // The fourth room's request reached Synapse before the kill: it is settled by asking, not sent again.
    expect(job.children.map((child) => child.state)).toEqual(rooms.map(() => 'done'));
    expect(job.children[3]!.result).toMatchObject({ reconciled: true, block: true });
    expect(mock.requests.filter((seen) => seen.method === 'GET' && seen.url.includes('!crash-block3:') && seen.url.endsWith('/block'))).toHaveLength(1);
    for (const room of rooms) expect(mock.state.blockedRooms.has(room)).toBe(true);
  });

  it('resumes a delete job, adopting the task of the room whose DELETE was at Synapse', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'facade-jobs-'));
    const rooms = [...mock.state.rooms.values()].filter((room) => !room.deleteAlwaysFails).slice(0, 5).map((room) => room.roomId);
    const first = await facadeProcess();
    const started = await startJob(first.url, { action: 'delete', rooms, pace_ms: 0 });
    await killAfter(first, 3, (method, url) => method === 'DELETE' && url.startsWith('/_synapse/admin/v2/rooms/'));

    const second = await facadeProcess(DEFAULT_ADMIN_TOKEN);
    const job = await waitForJob(second.url, started.job_id, ended, { timeoutMs: 20_000 });
    expect(job.state).toBe('finished');
    expectAtMostOnce(job, 'DELETE');
    expect(job.children.map((child) => [child.state, child.result?.status])).toEqual(rooms.map(() => ['done', 'complete']));
    for (const child of job.children) {
      const deletes = await api<{ results: { delete_id: string; job_id: string | null }[] }>(second.url, 'GET', `/_facade/v1/rooms/${encodeURIComponent(child.room_id)}/deletes`);
      expect(deletes.body.results).toEqual([expect.objectContaining({ delete_id: child.delete_id, job_id: started.job_id })]);
    }
  });

  it('waits after a restart without FACADE_ADMIN_TOKEN, and resumes with the token of the admin who asks', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'facade-jobs-'));
    const rooms = blockRooms('crash-wait', 6);
    const first = await facadeProcess();
    const started = await startJob(first.url, { action: 'block', rooms, pace_ms: 20 });
    await killAfter(first, 2, isPutOf('crash-wait'));
    const sentBeforeRestart = mock.requests.filter((seen) => isPutOf('crash-wait')(seen.method, seen.url)).length;

    const second = await facadeProcess();
    const waiting = await waitForJob(second.url, started.job_id, (job) => job.state === 'waiting');
    expect(waiting.error).toMatch(/resume/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mock.requests.filter((seen) => isPutOf('crash-wait')(seen.method, seen.url))).toHaveLength(sentBeforeRestart);

    const resumed = await api<JobView>(second.url, 'POST', `/_facade/v1/jobs/${started.job_id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.state).toBe('running');
    const job = await waitForJob(second.url, started.job_id, ended);
    expect(job.state).toBe('finished');
    expectAtMostOnce(job, 'PUT');
    expect(job.counts.done).toBe(6);
    const again = await api(second.url, 'POST', `/_facade/v1/jobs/${started.job_id}/resume`);
    expect(again).toMatchObject({ status: 409, body: { errcode: 'M_UNKNOWN' } });
  });
});
