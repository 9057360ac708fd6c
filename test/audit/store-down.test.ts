// A store that cannot be written costs the audit row, never the request: owned and passed-through mutations
// and logins are answered as before, and each lost row is counted in facade_store_errors_total{operation="appendAudit"}.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SPACE_ROOM_ID } from '../../src/mock/fixtures.ts';
import { startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { send, storeErrors } from './support.ts';

let mock: MockSynapse;
let facade: TestFacade | undefined;

beforeAll(async () => {
  mock = await startMockSynapse();
});
afterAll(() => mock.close());
afterEach(async () => {
  await facade?.close();
  facade = undefined;
});

/** Each kind of audited request, answered the same with or without a store. */
async function mutationsAndLogin(running: TestFacade) {
  const block = await send(running, 'PUT', `/_synapse/admin/v1/rooms/${encodeURIComponent(SPACE_ROOM_ID)}/block`, { block: true });
  const passed = await send(running, 'PUT', '/_synapse/admin/v1/users/@alice:mock.example/admin', { admin: false });
  const login = await send(running, 'POST', '/_matrix/client/v3/login', { type: 'm.login.password', user: 'admin', password: 'wrong' }, null);
  return [block, passed, login].map(({ status, json }) => ({ status, json }));
}

describe('the store cannot be written', () => {
  it('closed while serving: every mutation and login is answered as before, each lost row counted', async () => {
    facade = await startTestFacade(mock.url);
    const withStore = await mutationsAndLogin(facade);
    expect(withStore.map((answer) => answer.status)).toEqual([200, 200, 403]);
    await facade.context.store.close();
    const before = await storeErrors(facade, 'appendAudit');
    expect(await mutationsAndLogin(facade)).toEqual(withStore);
    expect(await storeErrors(facade, 'appendAudit')).toBe(before + 3);
  });

  it('DATA_DIR is a file: the facade starts and answers without its store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'facade-audit-'));
    const file = join(dir, 'not-a-directory');
    writeFileSync(file, 'x');
    try {
      facade = await startTestFacade(mock.url, { dataDir: file });
      expect(facade.context.store.available).toBe(false);
      const answers = await mutationsAndLogin(facade);
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 403]);
      expect(await storeErrors(facade, 'appendAudit')).toBe(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
