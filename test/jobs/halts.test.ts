// A job halts instead of failing its rooms: when the store cannot record a room as `sending` (nothing is sent
// until it can), and when Synapse refuses the job's token (the job waits for an admin to resume it).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jobCreateBody } from '../../schemas/jobs.ts';
import { dryRun } from '../../src/jobs/plan.ts';
import { JobRunner } from '../../src/jobs/runner.ts';
import { ADMIN_USER_ID } from '../../src/mock/constants.ts';
import { DEFAULT_ADMIN_TOKEN, EXPIRED_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import type { JobRecord } from '../../src/store/store.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';

let mock: MockSynapse;
let facade: TestFacade;
let runner: JobRunner;
const admin = { userId: ADMIN_USER_ID, token: DEFAULT_ADMIN_TOKEN };

beforeAll(async () => {
  mock = await startMockSynapse({ latencyMs: 5 });
  facade = await startTestFacade(mock.url);
});
afterAll(async () => {
  await facade.close();
  await mock.close();
});
afterEach(() => runner.stop());

/** A confirmed job started on a runner of its own, which retries a failing store every 30 ms. */
async function runJob(rooms: string[], caller = admin): Promise<JobRecord> {
  runner = new JobRunner(facade.context, { storeRetryMs: 30 });
  const request = jobCreateBody.parse({ action: 'block', rooms, pace_ms: 0 });
  const { confirm } = await dryRun(facade.context, request, admin);
  return runner.create({ ...request, dry_run: false, confirm }, caller);
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let value = await read(); ; value = await read()) {
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const putsOf = (prefix: string) => mock.requests.filter((seen) => seen.method === 'PUT' && seen.url.includes(prefix));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a job halts', () => {
  it('and sends nothing while the store cannot record a room as sending, then goes on', async () => {
    const store = facade.context.store;
    const original = store.updateJobChild;
    let broken = true;
    store.updateJobChild = (jobId, position, patch) =>
      broken && position === 1 && patch.state === 'sending' ? Promise.reject(new Error('disk full')) : original.call(store, jobId, position, patch);
    try {
      const job = await runJob(['!halt-store0:mock.example', '!halt-store1:mock.example', '!halt-store2:mock.example']);
      await until(() => store.jobChildren(job.id), (children) => children[0]!.state === 'done');
      // Several retries fail meanwhile: the job stays running, the second room pending and never sent.
      await sleep(150);
      expect(await store.getJob(job.id)).toMatchObject({ state: 'running', counts: { done: 1, pending: 2 } });
      expect(putsOf('halt-store')).toHaveLength(1);

      broken = false;
      const finished = await until(() => store.getJob(job.id), (current) => current!.state === 'finished');
      expect(finished!.counts).toEqual({ done: 3 });
      expect(putsOf('halt-store')).toHaveLength(3);
    } finally {
      store.updateJobChild = original;
    }
  });

  it('and waits when Synapse refuses its token; resumed with an admin’s token, it sends that room again', async () => {
    const store = facade.context.store;
    const job = await runJob(['!halt-token0:mock.example', '!halt-token1:mock.example'], { userId: ADMIN_USER_ID, token: EXPIRED_ADMIN_TOKEN });
    const waiting = await until(() => store.getJob(job.id), (current) => current!.state === 'waiting');
    expect(waiting!.error).toMatch(/refused the job's token.*resume/);
    expect(waiting!.counts).toEqual({ pending: 2 });
    expect(putsOf('halt-token')).toHaveLength(1);
    const [refused] = await store.listAudit({ roomId: '!halt-token0:mock.example', limit: 5 });
    expect(refused).toMatchObject({ kind: 'job', action: 'room.block', status: 401, details: { job_id: job.id, error: expect.stringMatching(/refused/) } });

    await runner.resume(job.id, admin);
    const finished = await until(() => store.getJob(job.id), (current) => current!.state === 'finished');
    expect(finished!.counts).toEqual({ done: 2 });
    // The refused request changed nothing, so the first room was sent once more; the second only once.
    expect(putsOf('halt-token0')).toHaveLength(2);
    expect(putsOf('halt-token1')).toHaveLength(1);
    expect((await store.listAudit({ action: 'job.resume', limit: 5 }))[0]).toMatchObject({ admin: ADMIN_USER_ID, details: { job_id: job.id } });
  });
});
