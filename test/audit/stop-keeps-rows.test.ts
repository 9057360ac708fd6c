// A stop cut short (SHUTDOWN_TIMEOUT_MS passed, or an operator's second signal) cuts the clients, but a mutation
// Synapse is already working on still finishes there, and its audit row must still be written: the stop closed the
// store as soon as the upstream pool had closed, and a row whose write had not reached the store by then was lost.
// The store here is as slow as a PostgreSQL one across a network (every audit row takes 50 ms).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../../src/store/sqlite.ts';
import type { AuditEntryInput } from '../../src/store/store.ts';
import { FAKE_UPSTREAM, startTestFacade, type TestFacade } from '../support/facade.ts';
import { replyJson, startFakeUpstream, untilUpstreamHas, type FakeUpstream } from '../support/fake-upstream.ts';

const ROOM = '!room:hs';
let upstream: FakeUpstream;
let dataDir: string;

beforeAll(async () => {
  // Synapse takes 300 ms over every request; the stop is cut short long before.
  upstream = await startFakeUpstream(async (seen, response) => {
    await sleep(300);
    if (seen.url.endsWith('/block')) replyJson(response, 200, { block: true });
    else if (seen.url.includes('/login')) replyJson(response, 200, { user_id: '@alice:hs', access_token: 'secret-token', device_id: 'D' });
    else replyJson(response, 200, {});
  });
});
afterAll(() => upstream.close());
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** A facade on a SQLite file whose audit rows each take 50 ms to write. */
async function facadeWithSlowAudit(): Promise<TestFacade> {
  dataDir = mkdtempSync(join(tmpdir(), 'facade-stop-rows-'));
  const facade = await startTestFacade(upstream.url, { ...FAKE_UPSTREAM, dataDir, shutdownTimeoutMs: 30_000 });
  const store = facade.context.store;
  const append = store.appendAudit.bind(store);
  store.appendAudit = async (entry: AuditEntryInput) => {
    await sleep(50);
    return append(entry);
  };
  return facade;
}

/** The rows in the facade's SQLite file, read after it stopped. */
function rowsOnDisk(): Array<{ kind: string; action: string; method: string; status: number | null }> {
  const db = new DatabaseSync(join(dataDir, SQLITE_FILE), { readOnly: true });
  try {
    return db.prepare('SELECT kind, action, method, status FROM audit ORDER BY kind').all() as never;
  } finally {
    db.close();
  }
}

/** Starts `requests`, then a stop that is cut short at once; resolves with how the clients ended. */
async function cutShortWhileRunning(facade: TestFacade, requests: Array<[string, string, unknown]>): Promise<Array<number | string>> {
  const from = upstream.requests.length;
  const answers = requests.map(([method, path, body]) =>
    fetch(`${facade.url}${path}`, { method, body: JSON.stringify(body), headers: { authorization: 'Bearer t', 'content-type': 'application/json' } })
      .then((answer) => answer.status, () => 'cut'));
  // Every request here is a mutation; the facade's own calls to Synapse (the index's sweep) are GETs.
  await untilUpstreamHas(upstream, (request) => request.method !== 'GET', { from, count: requests.length });
  const stopped = facade.close();
  facade.cutNow();
  expect(await stopped).toBe(requests.length);
  return Promise.all(answers);
}

describe('a stop cut short keeps the audit rows of the mutations Synapse finishes', () => {
  it('an owned mutation (PUT block): its row is written before the store closes', async () => {
    const facade = await facadeWithSlowAudit();
    expect(await cutShortWhileRunning(facade, [['PUT', `/_synapse/admin/v1/rooms/${encodeURIComponent(ROOM)}/block`, { block: true }]])).toEqual(['cut']);
    expect(rowsOnDisk()).toEqual([{ kind: 'owned', action: 'room.block', method: 'PUT', status: 200 }]);
  });

  it('a passed-through admin mutation and a login: both rows are written before the store closes', async () => {
    const facade = await facadeWithSlowAudit();
    const answers = await cutShortWhileRunning(facade, [
      ['PUT', '/_synapse/admin/v1/users/@bob:hs/admin', { admin: false }],
      ['POST', '/_matrix/client/v3/login', { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'p' }],
    ]);
    expect(answers).toEqual(['cut', 'cut']);
    expect(rowsOnDisk()).toEqual([
      { kind: 'login', action: 'login', method: 'POST', status: 200 },
      { kind: 'pass-through', action: 'pass_through', method: 'PUT', status: 200 },
    ]);
  });
});
