// A bulk job outlives the replica running it: A is killed with SIGKILL mid-job, B or C takes the job over once A's
// lease has run out (not before), and finishes it with every room sent to Synapse exactly once; A started again
// sends nothing more.
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import type { JobView } from '../../schemas/jobs.ts';
import type { Timed } from '../jobs/support/counting-proxy.ts';
import { api, ended, startJob, waitForJob } from '../jobs/support/jobs-client.ts';
import { describeReplicas, REPLICA_IDS, useReplicaSet, type ReplicaId } from './support/replica-set.ts';
import { roomsNamed } from './support/requests.ts';

const LEASE_MS = 3_000;
/** The takeover loop runs every third of the lease; the rest is room for a scheduler on a busy machine. */
const TAKEOVER_SLACK_MS = 3_000;
const ROOMS = roomsNamed('takeover-', 40);
/** With the mock's 30 ms, about 90 ms a room: the job runs for about 4 s, and A is killed after a few rooms. */
const PACE_MS = 60;
const DONE_BEFORE_KILL = 5;

/** The block PUTs among `requests`, by decoded room ID. */
function blocksByRoom(requests: readonly Pick<Timed, 'method' | 'url'>[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { method, url } of requests) {
    const room = /^\/_synapse\/admin\/v1\/rooms\/([^/?]+)\/block$/.exec(url)?.[1];
    if (method !== 'PUT' || room === undefined) continue;
    const roomId = decodeURIComponent(room);
    counts.set(roomId, (counts.get(roomId) ?? 0) + 1);
  }
  return counts;
}

const total = (counts: Map<string, number>): number => [...counts.values()].reduce((sum, count) => sum + count, 0);

describeReplicas('a bulk job across three replicas', () => {
  const replicas = useReplicaSet({ env: { JOB_LEASE_MS: String(LEASE_MS) }, mockLatencyMs: 30 });

  it('a job whose replica is killed mid-run is finished by another after its lease ran out, each room sent once, and nothing is resent after', async () => {
    const set = replicas();
    const started = await startJob(set.url('a'), { action: 'block', rooms: ROOMS, concurrency: 1, pace_ms: PACE_MS });
    const jobPath = `/_facade/v1/jobs/${started.job_id}`;
    const running = await waitForJob(set.url('b'), started.job_id, (job) => job.counts.done >= DONE_BEFORE_KILL);
    expect(running).toMatchObject({ state: 'running', replica: 'a' });

    const killedAt = await set.kill('a');
    const orphaned = (await api<JobView>(set.url('b'), 'GET', jobPath)).body;
    // The lease A renewed last still runs: nothing may take the job before it ends.
    expect(orphaned).toMatchObject({ state: 'running', replica: 'a' });
    const leaseEndsAt = orphaned.lease_expires_at!;
    expect(leaseEndsAt).toBeGreaterThan(killedAt);

    const isTaken = (job: JobView) => job.replica === 'b' || job.replica === 'c';
    const taken = await waitForJob(set.url('b'), started.job_id, isTaken, { timeoutMs: LEASE_MS + 10_000 });
    const takenAt = Date.now();
    const successor = taken.replica as ReplicaId;
    const finished = await waitForJob(set.url('c'), started.job_id, ended, { timeoutMs: 30_000 });
    const firstChildAt = set.sentBy(successor).find((request) => request.method === 'PUT' && request.url.endsWith('/block'))?.at;
    console.log(
      `replicas: job taken over by ${successor} ${takenAt - killedAt} ms after A's SIGKILL (lease had ${leaseEndsAt - killedAt} ms left, ` +
        `JOB_LEASE_MS=${LEASE_MS}); its first child sent ${firstChildAt === undefined ? 'never' : `${firstChildAt - killedAt} ms`} after the kill`,
    );
    expect(takenAt).toBeGreaterThanOrEqual(leaseEndsAt);
    expect(takenAt - killedAt).toBeLessThan(LEASE_MS + TAKEOVER_SLACK_MS);

    expect(finished.state).toBe('finished');
    expect(finished.counts).toEqual({ pending: 0, sending: 0, following: 0, done: ROOMS.length, failed: 0, skipped: 0 });
    const atSynapse = blocksByRoom(set.mock.requests);
    expect(Object.fromEntries(ROOMS.map((room) => [room, atSynapse.get(room) ?? 0]))).toEqual(Object.fromEntries(ROOMS.map((room) => [room, 1])));
    const sentBy = Object.fromEntries(REPLICA_IDS.map((id) => [id, total(blocksByRoom(set.sentBy(id)))]));
    expect(sentBy.a! + sentBy[successor]!, `block PUTs by replica: ${JSON.stringify(sentBy)}`).toBe(ROOMS.length);

    await set.start('a');
    // A full lease: A's start-up resume and three turns of its takeover loop.
    await sleep(LEASE_MS);
    expect(total(blocksByRoom(set.mock.requests))).toBe(ROOMS.length);
    expect((await api<JobView>(set.url('a'), 'GET', jobPath)).body).toMatchObject({ state: 'finished', replica: null });
  });
});
