// A replica whose PostgreSQL goes away can no longer hear the others' changes: it serves nothing from its cache
// (every owned read goes to Synapse) and says so (facade_replica_listening 0); once PostgreSQL is back it listens
// and caches again. PostgreSQL is left running for the files after this one.
import { expect, it } from 'vitest';
import { restartDatabaseServer, stopDatabaseServer } from './support/database-server.ts';
import { sampleOf, scrape } from './support/metrics.ts';
import { describeReplicas, useReplicaSet, type ReplicaId, type ReplicaSet } from './support/replica-set.ts';
import { send, until } from './support/requests.ts';

/** How long a replica may take to notice PostgreSQL is gone, and to reconnect (its back-off reaches 5 s). */
const NOTICE_WITHIN_MS = 10_000;
const RECONNECT_WITHIN_MS = 20_000;

/** `facade_replica_listening` of every running replica, in order. */
const listening = (set: ReplicaSet): Promise<number[]> => Promise.all(set.running.map(async (id) => sampleOf(await scrape(set.url(id)), 'facade_replica_listening')));

describeReplicas('a replica whose database goes away', () => {
  // Room details stay cached for a minute, so a second read that is not a hit was refused the cache.
  const replicas = useReplicaSet({ env: { CACHE_TTL_DETAILS_MS: '60000' } });

  it('serves no cached answer while PostgreSQL is down, and caches again once it is back', async () => {
    const set = replicas();
    const reader: ReplicaId = 'b';
    const roomId = [...set.mock.state.rooms.keys()][0]!;
    const path = `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}`;
    // The facade may encode the room ID's characters otherwise than we did: compared decoded.
    const readsAtSynapse = () => set.mock.requests.filter((request) => request.method === 'GET' && decodeURIComponent(request.url) === decodeURIComponent(path)).length;
    await send(set.url(reader), 'GET', path);
    expect((await send(set.url(reader), 'GET', path)).cache).toBe('hit');

    const before = await stopDatabaseServer();
    let restarted = false;
    try {
      await until('every replica says it does not listen', () => listening(set), (values) => values.every((value) => value === 0), { timeoutMs: NOTICE_WITHIN_MS });
      set.mock.reset();
      const first = await send(set.url(reader), 'GET', path);
      const second = await send(set.url(reader), 'GET', path);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect([first.cache, second.cache]).toEqual(['bypass', 'bypass']);
      expect(readsAtSynapse()).toBe(2);

      const after = await restartDatabaseServer();
      restarted = true;
      expect(after.url).toBe(before.url);
    } finally {
      if (!restarted) await restartDatabaseServer();
    }

    await until('every replica listens again', () => listening(set), (values) => values.every((value) => value === 1), { timeoutMs: RECONNECT_WITHIN_MS });
    set.mock.reset();
    await send(set.url(reader), 'GET', path);
    const cached = await send(set.url(reader), 'GET', path);
    expect(cached.cache).toBe('hit');
    expect(readsAtSynapse()).toBe(1);
  });
});
