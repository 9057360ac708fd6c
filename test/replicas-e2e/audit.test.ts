// The audit trail is one trail: rows written through each replica are listed by every replica.
import { expect, it } from 'vitest';
import type { AuditEntryOut } from '../../schemas/audit.ts';
import { describeReplicas, REPLICA_IDS, useReplicaSet } from './support/replica-set.ts';
import { blockPath, send } from './support/requests.ts';

describeReplicas('the audit trail across three replicas', () => {
  const replicas = useReplicaSet();

  it('a write through each replica is listed by the audit of every replica', async () => {
    const set = replicas();
    const roomOf = Object.fromEntries(REPLICA_IDS.map((id) => [id, `!audited-through-${id}:mock.example`]));
    for (const id of REPLICA_IDS) expect((await send(set.url(id), 'PUT', blockPath(roomOf[id]!), { block: true })).status).toBe(200);

    for (const id of REPLICA_IDS) {
      const page = await send(set.url(id), 'GET', '/_facade/v1/audit?action=room.block&limit=100');
      expect(page.status).toBe(200);
      const listed = (page.body as { entries: AuditEntryOut[] }).entries.map((entry) => [entry.room_id, entry.method, entry.status]);
      expect(listed, `the audit through ${id}`).toEqual(expect.arrayContaining(REPLICA_IDS.map((writer) => [roomOf[writer], 'PUT', 200])));
      expect(listed, `the audit through ${id}`).toHaveLength(REPLICA_IDS.length);
    }
  });
});
