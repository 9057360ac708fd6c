// The store's job leases on each database: a claim is a compare-and-set (one replica wins), a renewal holds only
// while the replica still owns the job, and a fenced child is marked `sending` only under its replica's lease.
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import type { JobStart } from '../../src/store/store.ts';
import { freshDatabase, postgresUrl } from '../support/postgres.ts';
import { storeKinds, storePerTest } from '../support/stores.ts';

const jobStart = (id: string, overrides: Partial<JobStart> = {}): JobStart => ({
  id,
  action: 'block',
  options: {},
  admin: '@a:hs',
  concurrency: 1,
  paceMs: 0,
  createdAt: 1,
  listHash: 'h',
  rooms: ['!x:hs', '!y:hs'],
  ...overrides,
});

describe.each(storeKinds)('job leases in the store ($name)', (kind) => {
  const t = storePerTest(kind);
  let store: SqlStore;
  beforeEach(async () => {
    store = t.store;
    await store.createJob(jobStart('j'));
  });

  it('a new job has no owner; one created with a lease is born held', async () => {
    expect(await store.getJob('j')).toMatchObject({ owner: null, leaseUntil: null });
    await store.createJob(jobStart('held', { lease: { owner: 'a', until: 600 } }));
    expect(await store.getJob('held')).toMatchObject({ owner: 'a', leaseUntil: 600 });
  });

  it('a claim takes an unowned job, the same replica again, or an expired lease — never a live lease of another', async () => {
    expect(await store.claimJob('j', { owner: 'a', until: 1_600, now: 1_000 })).toBe(true);
    expect(await store.getJob('j')).toMatchObject({ owner: 'a', leaseUntil: 1_600 });
    expect(await store.claimJob('j', { owner: 'b', until: 2_199, now: 1_599 })).toBe(false);
    expect(await store.getJob('j')).toMatchObject({ owner: 'a', leaseUntil: 1_600 });
    expect(await store.claimJob('j', { owner: 'a', until: 1_700, now: 1_100 })).toBe(true);
    expect(await store.claimJob('j', { owner: 'b', until: 2_300, now: 1_700 })).toBe(true);
    expect(await store.getJob('j')).toMatchObject({ owner: 'b', leaseUntil: 2_300 });
  });

  it('never claims a finished or cancelled job, nor an unknown one', async () => {
    await store.updateJob('j', { state: 'finished', finishedAt: 5, updatedAt: 5 });
    expect(await store.claimJob('j', { owner: 'a', until: 600, now: 0 })).toBe(false);
    expect(await store.claimJob('nope', { owner: 'a', until: 600, now: 0 })).toBe(false);
    expect(await store.getJob('j')).toMatchObject({ owner: null, leaseUntil: null });
  });

  it('a renewal answers the state while the replica owns the job (expired or not), and nothing once another took it', async () => {
    await store.claimJob('j', { owner: 'a', until: 600, now: 0 });
    expect(await store.renewJobLease('j', 'a', 5_000)).toBe('running');
    expect((await store.getJob('j'))?.leaseUntil).toBe(5_000);
    await store.updateJob('j', { state: 'cancelling', updatedAt: 6 });
    expect(await store.renewJobLease('j', 'a', 5_100)).toBe('cancelling');
    expect(await store.claimJob('j', { owner: 'b', until: 9_000, now: 5_100 })).toBe(true);
    expect(await store.renewJobLease('j', 'a', 9_500)).toBeUndefined();
    expect(await store.getJob('j')).toMatchObject({ owner: 'b', leaseUntil: 9_000 });
  });

  it('a release clears owner and lease, and only its owner’s release counts', async () => {
    await store.claimJob('j', { owner: 'a', until: 600, now: 0 });
    await store.releaseJob('j', 'b');
    expect(await store.getJob('j')).toMatchObject({ owner: 'a', leaseUntil: 600 });
    await store.releaseJob('j', 'a');
    expect(await store.getJob('j')).toMatchObject({ owner: null, leaseUntil: null });
  });

  it('lists the unfinished jobs whose lease is free, oldest first, and the IDs of those leased now', async () => {
    await store.createJob(jobStart('live', { createdAt: 2, lease: { owner: 'a', until: 1_000 } }));
    await store.createJob(jobStart('expired', { createdAt: 3, lease: { owner: 'b', until: 500 } }));
    await store.createJob(jobStart('done', { createdAt: 4 }));
    await store.updateJob('done', { state: 'finished', finishedAt: 5, updatedAt: 5 });
    expect((await store.claimableJobs(500)).map((job) => job.id)).toEqual(['j', 'expired']);
    expect((await store.claimableJobs(1_000)).map((job) => job.id)).toEqual(['j', 'live', 'expired']);
    expect(await store.leasedJobIds(500)).toEqual(['live']);
    expect(await store.leasedJobIds(1_000)).toEqual([]);
  });

  it("writes a fenced job state only while its replica owns the job: a replica that lost it cannot end it", async () => {
    expect(await store.claimJob('j', { owner: 'a', until: 600, now: 0 })).toBe(true);
    expect(await store.claimJob('j', { owner: 'b', until: 1_300, now: 700 })).toBe(true);
    expect(await store.updateJob('j', { state: 'finished', finishedAt: 800, updatedAt: 800 }, { heldBy: 'a' })).toBe(false);
    expect(await store.getJob('j')).toMatchObject({ state: 'running', owner: 'b' });
    expect(await store.updateJob('j', { state: 'finished', finishedAt: 900, updatedAt: 900 }, { heldBy: 'b' })).toBe(true);
    expect(await store.getJob('j')).toMatchObject({ state: 'finished', finishedAt: 900 });
  });

  it('writes a fenced child only while its replica owns the job and no cancel was asked for', async () => {
    await store.claimJob('j', { owner: 'a', until: 600, now: 0 });
    expect(await store.updateJobChild('j', 0, { state: 'sending', sentAt: 7, updatedAt: 7, heldBy: 'a' })).toBe(true);
    expect((await store.jobChildren('j'))[0]).toMatchObject({ state: 'sending', sentAt: 7, updatedAt: 7 });

    expect(await store.updateJobChild('j', 1, { state: 'sending', sentAt: 9, updatedAt: 9, heldBy: 'b' })).toBe(false);
    await store.updateJob('j', { state: 'cancelling', updatedAt: 8 });
    expect(await store.updateJobChild('j', 1, { state: 'sending', sentAt: 9, updatedAt: 9, heldBy: 'a' })).toBe(false);
    expect((await store.jobChildren('j'))[1]).toMatchObject({ state: 'pending', sentAt: null });
    // Without the fence a child is written as before.
    expect(await store.updateJobChild('j', 1, { state: 'skipped', updatedAt: 10 })).toBe(true);
  });
});

describe.skipIf(postgresUrl() === undefined)('the fence on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let store: SqlStore;
  beforeAll(async () => {
    database = await freshDatabase();
    store = await openPostgresStore(database.url);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('makes a fenced write wait for a claim in progress, then refuses it: the taker never reads a child about to be sent', async () => {
    await store.createJob(jobStart('raced', { lease: { owner: 'a', until: 600 } }));
    const taker = new pg.Client({ connectionString: database.url });
    await taker.connect();
    try {
      await taker.query('BEGIN');
      await taker.query("UPDATE jobs SET owner = 'b', lease_until = 9000 WHERE id = 'raced'");
      let settled = false;
      const write = store.updateJobChild('raced', 0, { state: 'sending', sentAt: 7, updatedAt: 7, heldBy: 'a' }).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(settled).toBe(false);
      await taker.query('COMMIT');
      expect(await write).toBe(false);
      expect((await store.jobChildren('raced'))[0]).toMatchObject({ state: 'pending' });
    } finally {
      await taker.end();
    }
  });
});
