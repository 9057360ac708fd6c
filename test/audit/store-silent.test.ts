// A PostgreSQL store that stops answering (a host that hangs, a path that drops every packet): an admin's mutation,
// which Synapse has already applied, is answered with Synapse's answer within DATABASE_QUERY_TIMEOUT_MS, its lost
// row counted, and a stop still ends. Before the timeout, the answer waited for the row for ever, and so did the stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPACE_ROOM_ID } from '../../src/mock/fixtures.ts';
import { startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade } from '../support/facade.ts';
import { databaseBehindRelay } from '../support/freezing-proxy.ts';
import { postgresUrl } from '../support/postgres.ts';
import { send, storeErrors } from './support.ts';

let mock: MockSynapse;
beforeAll(async () => {
  mock = await startMockSynapse();
});
afterAll(() => mock.close());

describe.skipIf(!postgresUrl())('the PostgreSQL store stops answering', () => {
  it('a mutation is answered with Synapse\'s answer within the query timeout, its lost row counted, and the stop ends', async () => {
    const { url, relay: proxy, drop } = await databaseBehindRelay();
    const facade = await startTestFacade(mock.url, { databaseUrl: url, databaseQueryTimeoutMs: 300 });
    let stopped = false;
    try {
      await facade.context.store.opened;
      const block = (block: boolean) => send(facade, 'PUT', `/_synapse/admin/v1/rooms/${encodeURIComponent(SPACE_ROOM_ID)}/block`, { block });
      expect((await block(true)).status).toBe(200);
      const lostBefore = await storeErrors(facade, 'appendAudit');

      proxy.freeze();
      const startedAt = Date.now();
      const answer = await block(false);
      // Two statements time out (the index's block flag, the audit row) and telling the other replicas gives up
      // after its own 3 s (src/replicas/postgres-replicas.ts): about 3.6 s.
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      expect([answer.status, answer.json]).toEqual([200, { block: false }]);
      expect(mock.state.blockedRooms.has(SPACE_ROOM_ID)).toBe(false);
      expect(await storeErrors(facade, 'appendAudit')).toBe(lostBefore + 1);

      const stopAt = Date.now();
      expect(await facade.close()).toBe(0);
      stopped = true;
      expect(Date.now() - stopAt).toBeLessThan(10_000);
    } finally {
      if (!stopped) await facade.close();
      await drop();
    }
  }, 30_000);
});
