// One replica sweeps the index at a time: all three name the same sweeper, only that replica reads Synapse's room
// list (one sweeper's worth of requests, not three), and when it is killed another one sweeps within seconds.
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { describeReplicas, REPLICA_IDS, useReplicaSet, type ReplicaId, type ReplicaSet } from './support/replica-set.ts';
import { send, until } from './support/requests.ts';

const REFRESH_MS = 1_500;
/** How long the room-list requests are counted: four sweep periods. */
const COUNTED_MS = 4 * REFRESH_MS;
/** How soon another replica must sweep once the sweeper is gone (its lead re-check is every INDEX_REFRESH_MS here). */
const TAKEOVER_WITHIN_MS = 5_000;

/** The room-list requests (GET /_synapse/admin/v1/rooms, any query) replica `id` sent since its record was emptied. */
const roomListsSentBy = (set: ReplicaSet, id: ReplicaId): number =>
  set.sentBy(id).filter((request) => request.method === 'GET' && request.url.split('?')[0] === '/_synapse/admin/v1/rooms').length;

/** `sweeping_replica` as each running replica's GET /_facade/v1/index names it. */
async function sweepersNamed(set: ReplicaSet): Promise<(string | null)[]> {
  return Promise.all(set.running.map(async (id) => ((await send(set.url(id), 'GET', '/_facade/v1/index')).body as { sweeping_replica: string | null }).sweeping_replica));
}

/** The running replica every running replica names as the sweeper, when they agree on one. */
function agreedSweeper(set: ReplicaSet, named: (string | null)[]): ReplicaId | undefined {
  const names = new Set(named);
  const [only] = names;
  return names.size === 1 ? set.running.find((id) => id === only) : undefined;
}

describeReplicas('the index sweep across three replicas', () => {
  const replicas = useReplicaSet({ env: { INDEX_REFRESH_MS: String(REFRESH_MS) }, mockLatencyMs: 20 });
  let sweeper: ReplicaId | undefined;

  it("exactly one replica sweeps: all three name it, and only it reads Synapse's room list, one sweeper's worth", async () => {
    const set = replicas();
    const named = await until('all three name one running sweeping replica', () => sweepersNamed(set), (value) => agreedSweeper(set, value) !== undefined);
    sweeper = agreedSweeper(set, named)!;

    for (const id of REPLICA_IDS) set.sentBy(id).splice(0);
    await sleep(COUNTED_MS);
    const sent = Object.fromEntries(REPLICA_IDS.map((id) => [id, roomListsSentBy(set, id)]));
    console.log(`replicas: ${sweeper} sweeps; room-list requests in ${COUNTED_MS} ms at INDEX_REFRESH_MS=${REFRESH_MS}: ${JSON.stringify(sent)}`);
    // The mock's rooms fit one page, so a sweep is one room-list request, at most one per INDEX_REFRESH_MS.
    expect(sent[sweeper]).toBeGreaterThanOrEqual(1);
    expect(sent[sweeper]).toBeLessThanOrEqual(COUNTED_MS / REFRESH_MS + 1);
    expect(sent).toEqual({ a: 0, b: 0, c: 0, [sweeper]: sent[sweeper] });
    expect(agreedSweeper(set, await sweepersNamed(set))).toBe(sweeper);
  });

  it('when the sweeping replica is killed with SIGKILL, another one sweeps within a few seconds, and only it', async () => {
    const set = replicas();
    expect(sweeper).toBeDefined();
    const killedAt = await set.kill(sweeper!);
    for (const id of REPLICA_IDS) set.sentBy(id).splice(0);

    const named = await until('the two left name one of them the sweeper', () => sweepersNamed(set), (value) => agreedSweeper(set, value) !== undefined, { timeoutMs: TAKEOVER_WITHIN_MS });
    const namedMs = Date.now() - killedAt;
    const successor = agreedSweeper(set, named)!;
    await until(`${successor} reads the room list`, async () => roomListsSentBy(set, successor), (count) => count > 0, { timeoutMs: TAKEOVER_WITHIN_MS });
    const sweptMs = Date.now() - killedAt;
    console.log(`replicas: sweeper ${sweeper} killed; ${successor} named the sweeper after ${namedMs} ms, its first room-list request after ${sweptMs} ms`);
    expect(sweptMs).toBeLessThan(TAKEOVER_WITHIN_MS);
    for (const id of set.running.filter((id) => id !== successor)) expect(roomListsSentBy(set, id), `room lists read by ${id}`).toBe(0);
  });
});
