// Two replicas ("a" and "b") on one store: a job runs on exactly one of them under a lease its heartbeat renews;
// when that replica dies the other takes the job over once the lease has expired (never before), settles the room
// that was at Synapse by asking, and sends every room exactly once; a cancel reaches the replica that runs the job.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobCreateBody } from '../../schemas/jobs.ts';
import { dryRun } from '../../src/jobs/plan.ts';
import { ADMIN_USER_ID } from '../../src/mock/constants.ts';
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import type { JobClaim, JobRecord } from '../../src/store/store.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { callsOf, startReplica, type TestReplica } from './support/replicas.ts';

const LEASE_MS = 600;
const admin = { userId: ADMIN_USER_ID, token: DEFAULT_ADMIN_TOKEN };

let mock: MockSynapse;
let facade: TestFacade;
let a: TestReplica;
let b: TestReplica;

beforeAll(async () => {
  // Answers held 60 ms: a replica can die while Synapse holds a room's answer.
  mock = await startMockSynapse({ latencyMs: 60 });
  // FACADE_ADMIN_TOKEN: the replica taking a job over acts with it. The facade's own runner steps aside for "a" and "b".
  facade = await startTestFacade(mock.url, { facadeAdminToken: DEFAULT_ADMIN_TOKEN });
  await facade.jobs.stop();
});
afterAll(async () => {
  await facade.close();
  await mock.close();
});
beforeEach(async () => {
  a = await startReplica(facade.context, 'a', { leaseMs: LEASE_MS });
  b = await startReplica(facade.context, 'b', { leaseMs: LEASE_MS });
});
afterEach(async () => {
  // A frozen replica stays frozen: it is dead, and its runner never ends.
  for (const replica of [a, b]) if (!replica.frozen) await replica.runner.stop();
});

/** A confirmed block job started on `replica`. */
async function createOn(replica: TestReplica, rooms: string[], paceMs: number): Promise<JobRecord> {
  const request = jobCreateBody.parse({ action: 'block', rooms, pace_ms: paceMs });
  const { confirm } = await dryRun(facade.context, request, admin);
  return replica.runner.create({ ...request, dry_run: false, confirm }, admin);
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 4_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let value = await read(); ; value = await read()) {
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const store = () => facade.context.store;
const jobOf = (id: string) => async () => (await store().getJob(id))!;
const ended = (job: JobRecord) => job.state === 'finished' || job.state === 'cancelled';
const roomsOf = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `!${prefix}${index}:mock.example`);
const putsOf = (room: string) => mock.requests.filter((seen) => seen.method === 'PUT' && decodeURIComponent(seen.url).includes(`/rooms/${room}/block`));
const putsTo = (prefix: string) => mock.requests.filter((seen) => seen.method === 'PUT' && seen.url.includes(prefix)).length;
/** The `sending` writes (under the lease's fence) a replica made. */
const sendingWrites = (replica: TestReplica) => callsOf(replica, 'updateJobChild').filter((call) => (call.args[2] as { heldBy?: string }).heldBy !== undefined);
/** The claims a replica won, with their time and lease. */
const wonClaims = (replica: TestReplica) => callsOf(replica, 'claimJob').filter((call) => call.result === true).map((call) => call.args[1] as JobClaim);
/** The end of the newest lease `replica` held on a job: its creation's, or a renewal's that still held. */
function leaseEndOf(replica: TestReplica): number {
  const renewed = callsOf(replica, 'renewJobLease').filter((call) => call.result !== undefined).map((call) => call.args[2] as number);
  const created = callsOf(replica, 'createJob').map((call) => (call.args[0] as { lease: { until: number } }).lease.until);
  return Math.max(...created, ...renewed);
}

describe('a job under a lease', () => {
  it('runs only on the replica that created it: the other leaves it alone while the heartbeat renews the lease', async () => {
    const rooms = roomsOf('lease-one', 8);
    const job = await createOn(a, rooms, 100);
    expect(job).toMatchObject({ owner: 'a', leaseUntil: expect.any(Number) });
    const finished = await until(jobOf(job.id), ended);

    expect(finished).toMatchObject({ state: 'finished', counts: { done: 8 }, owner: null, leaseUntil: null });
    // The run outlasted the lease: only the heartbeat kept "b" out.
    expect(finished.finishedAt! - finished.createdAt).toBeGreaterThan(LEASE_MS);
    expect(callsOf(b, 'claimJob')).toEqual([]);
    expect(sendingWrites(b)).toEqual([]);
    expect(callsOf(b, 'claimableJobs').length).toBeGreaterThanOrEqual(3);
    expect(callsOf(a, 'renewJobLease').length).toBeGreaterThanOrEqual(3);
    for (const room of rooms) expect(putsOf(room), room).toHaveLength(1);
  });

  it('is taken over after its replica died, only once the lease expired; the room at Synapse is reconciled, never resent', async () => {
    const rooms = roomsOf('lease-dies', 6);
    const job = await createOn(a, rooms, 20);
    // The third room's request is at Synapse when "a" dies: its `sending` row is all the store knows.
    await until(async () => putsTo('lease-dies'), (count) => count === 3);
    a.freeze();
    const leaseEnd = (await store().getJob(job.id))!.leaseUntil!;
    expect((await store().jobChildren(job.id))[2]).toMatchObject({ state: 'sending' });

    const finished = await until(jobOf(job.id), ended);
    expect(finished).toMatchObject({ state: 'finished', counts: { done: 6 }, owner: null });
    const [claim, ...more] = wonClaims(b);
    expect(more).toEqual([]);
    expect(claim!.now).toBeGreaterThanOrEqual(leaseEnd);
    const children = await store().jobChildren(job.id);
    expect(children[2]!.result).toMatchObject({ reconciled: true, block: true });
    for (const room of rooms) expect(putsOf(room), room).toHaveLength(1);
    expect(facade.logLines.some((line) => line.includes('taken over') && line.includes('"replica":"b"') && line.includes(job.id))).toBe(true);
  });

  it('is cancelled through the other replica: the one running it skips its pending rooms', async () => {
    const rooms = roomsOf('lease-cancel', 6);
    const job = await createOn(a, rooms, 100);
    await until(async () => putsTo('lease-cancel'), (count) => count === 2);
    await b.runner.cancel(job.id, admin);

    const cancelled = await until(jobOf(job.id), ended);
    expect(cancelled.state).toBe('cancelled');
    const states = (await store().jobChildren(job.id)).map((child) => child.state);
    expect(states.slice(0, 2)).toEqual(['done', 'done']);
    expect(states.slice(3)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(cancelled.counts.skipped).toBeGreaterThanOrEqual(3);
    for (const [index, room] of rooms.entries()) expect(putsOf(room), room).toHaveLength(states[index] === 'done' ? 1 : 0);
    // "a" ran it to its end; "b" only asked for the cancel.
    expect(callsOf(a, 'updateJob').map((call) => call.args[1])).toContainEqual(expect.objectContaining({ state: 'cancelled' }));
    expect(wonClaims(b)).toEqual([]);
    expect(sendingWrites(b)).toEqual([]);
  });

  it('halts on the replica that lost its lease, writing no end state and sending no other room', async () => {
    const rooms = roomsOf('lease-lost', 6);
    const job = await createOn(a, rooms, 50);
    await until(async () => putsTo('lease-lost'), (count) => count === 2);
    a.freeze();
    await until(jobOf(job.id), (current) => current.owner === 'b');
    const answered = a.calls.length;
    a.thaw();

    const finished = await until(jobOf(job.id), ended);
    expect(finished).toMatchObject({ state: 'finished', counts: { done: 6 } });
    await until(async () => a.runner.running, (running) => running === 0);
    const after = a.calls.slice(answered);
    expect(after.filter((call) => call.method === 'updateJob')).toEqual([]);
    expect(sendingWrites(a).filter((call) => after.includes(call) && call.result === true)).toEqual([]);
    for (const room of rooms) expect(putsOf(room), room).toHaveLength(1);
    expect(facade.logLines.some((line) => line.includes('lease lost') && line.includes('"replica":"a"') && line.includes(job.id))).toBe(true);
  });

  it('sends no room once another replica holds the job, even while its own heartbeat cannot tell it so', async () => {
    const rooms = roomsOf('lease-fence', 10);
    const job = await createOn(a, rooms, 100);
    await until(async () => putsTo('lease-fence'), (count) => count === 1);
    // Only the heartbeat stalls: "a" goes on with its rooms until the store's fence stops it.
    a.freeze(['renewJobLease']);

    const finished = await until(jobOf(job.id), ended);
    expect(finished).toMatchObject({ state: 'finished', counts: { done: 10 } });
    await until(async () => a.runner.running, (running) => running === 0);
    a.thaw();
    expect(wonClaims(b)).toHaveLength(1);
    const [held, ...after] = sendingWrites(a).filter((call) => call.result === false);
    expect(held).toBeDefined();
    expect(after).toEqual([]);
    expect(callsOf(a, 'updateJob')).toEqual([]);
    for (const room of rooms) expect(putsOf(room), room).toHaveLength(1);
    expect(facade.logLines.some((line) => line.includes('lease lost') && line.includes('"replica":"a"') && line.includes(job.id))).toBe(true);
  });

  it('is taken over at once when its replica stops gracefully and releases it', async () => {
    const rooms = roomsOf('lease-stop', 6);
    const job = await createOn(a, rooms, 100);
    await until(async () => putsTo('lease-stop'), (count) => count === 2);
    await a.runner.stop();
    const leaseEnd = leaseEndOf(a);

    const finished = await until(jobOf(job.id), ended);
    expect(finished).toMatchObject({ state: 'finished', counts: { done: 6 } });
    const [claim] = wonClaims(b);
    expect(claim!.now).toBeLessThan(leaseEnd);
    for (const room of rooms) expect(putsOf(room), room).toHaveLength(1);
  });
});
