// Read-your-writes across replicas: a write through one replica is what the very next read through any other
// answers, even one that had the old answer cached (statuses are cached for a minute here, so only the change it
// heard can make that read fresh); and every replica hears the others' changes within 100 ms of their writes.
import { expect, it } from 'vitest';
import { ADMIN_USER_ID } from '../../src/mock/constants.ts';
import { histogramOf, maxBucketOf, scrape } from './support/metrics.ts';
import { describeReplicas, REPLICA_IDS, useReplicaSet, type ReplicaId, type ReplicaSet } from './support/replica-set.ts';
import { blockPath, roomsNamed, send, until } from './support/requests.ts';

const DELAY = 'facade_replica_change_delay_seconds';
/** Writes spread over the three replicas for the delay figures (17 through each). */
const WRITES = 51;
/** The most a change may take to reach another replica, seconds (a bucket bound of the histogram). */
const MAX_DELAY_SECONDS = 0.1;

describeReplicas('read-your-writes across three replicas', () => {
  const replicas = useReplicaSet({ env: { CACHE_TTL_STATUS_MS: '60000' } });

  /** Reads `path` twice through `id`: the answer holds `expected`, and the second read comes from its cache. */
  async function warm(id: ReplicaId, path: string, expected: Record<string, unknown>): Promise<void> {
    await send(replicas().url(id), 'GET', path);
    const cached = await send(replicas().url(id), 'GET', path);
    expect(cached.body, `${path} through ${id}`).toMatchObject(expected);
    expect(cached.cache, `second read of ${path} through ${id}`).toBe('hit');
  }

  /** The count of each replica's change-delay histogram (changes heard from the others so far). */
  async function heardCounts(set: ReplicaSet): Promise<Record<ReplicaId, number>> {
    const counts = await Promise.all(REPLICA_IDS.map(async (id) => histogramOf(await scrape(set.url(id)), DELAY).count));
    return Object.fromEntries(REPLICA_IDS.map((id, index) => [id, counts[index]!])) as Record<ReplicaId, number>;
  }

  it('a block through A reads as blocked through B and C on the very next request, though both had it cached', async () => {
    const set = replicas();
    const path = blockPath('!rw-blocked:mock.example');
    for (const id of ['b', 'c'] as const) await warm(id, path, { block: false });

    expect((await send(set.url('a'), 'PUT', path, { block: true })).status).toBe(200);
    for (const id of ['b', 'c'] as const) {
      const read = await send(set.url(id), 'GET', path);
      expect(read.body, `through ${id}`).toEqual({ block: true, user_id: ADMIN_USER_ID });
      expect(read.cache, `through ${id}`).not.toBe('hit');
    }
  });

  it('an unblock through C reads as unblocked through A on the very next request, though A had it cached', async () => {
    const set = replicas();
    const room = '!rw-unblocked:mock.example';
    const path = blockPath(room);
    // Blocked at Synapse itself: A has never written to this room, so only C's change can make A read it again.
    set.mock.state.blockedRooms.set(room, ADMIN_USER_ID);
    await warm('a', path, { block: true, user_id: ADMIN_USER_ID });

    expect((await send(set.url('c'), 'PUT', path, { block: false })).status).toBe(200);
    const read = await send(set.url('a'), 'GET', path);
    expect(read.body).toMatchObject({ block: false });
    expect(read.cache).not.toBe('hit');
  });

  it('every replica hears each write made through the others once, within 100 ms of it', async () => {
    const set = replicas();
    const before = await heardCounts(set);
    const rooms = roomsNamed('rw-delay-', WRITES);
    const writerOf = (index: number): ReplicaId => REPLICA_IDS[index % REPLICA_IDS.length]!;
    for (const [index, room] of rooms.entries()) {
      expect((await send(set.url(writerOf(index)), 'PUT', blockPath(room), { block: true })).status).toBe(200);
    }

    for (const id of REPLICA_IDS) {
      const expected = before[id] + rooms.filter((_, index) => writerOf(index) !== id).length;
      const read = async () => histogramOf(await scrape(set.url(id)), DELAY);
      const delays = await until(`replica ${id} hears ${expected} changes`, read, (histogram) => histogram.count >= expected, { timeoutMs: 5_000 });
      expect(delays.count, `changes heard by ${id}`).toBe(expected);
      const within = delays.buckets.find((bucket) => bucket.le === MAX_DELAY_SECONDS);
      expect(within?.count, `changes ${id} heard within ${MAX_DELAY_SECONDS * 1000} ms`).toBe(delays.count);
      const meanMs = (delays.sum / delays.count) * 1000;
      console.log(`replicas: ${id} heard ${delays.count} changes, mean delay ${meanMs.toFixed(2)} ms, all within ${maxBucketOf(delays) * 1000} ms`);
    }
  });
});
