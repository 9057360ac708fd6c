// One audit row per /_synapse/admin mutation passed through: method, path without query and with secrets
// masked, the status the client got, who, duration, request id — never a body; reads make no row.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { tokenFingerprint } from '../../src/internal/token-hash.ts';
import { startFakeUpstream } from '../support/fake-upstream.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { auditPage, send, storedRows } from './support.ts';

let mock: MockSynapse;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse();
});
afterAll(() => mock.close());
beforeEach(async () => {
  facade = await startTestFacade(mock.url);
});
afterEach(() => facade.close());

const passThroughRows = async () => (await storedRows(facade)).filter((entry) => entry.kind === 'pass-through');

describe('pass-through admin mutations', () => {
  it('PUT, POST and DELETE each leave one row; their bodies are forwarded unchanged and never stored', async () => {
    // An audit call first proves the token, so the rows name the admin's user ID.
    await auditPage(facade);
    const demote = await send(facade, 'PUT', '/_synapse/admin/v1/users/%40alice%3Amock.example/admin', { admin: false });
    expect(demote.status).toBe(200);
    expect(mock.requests.at(-1)!.body).toBe('{"admin":false}');
    const deactivate = await send(facade, 'POST', '/_synapse/admin/v1/deactivate/@alice:mock.example', { erase: true, secret_note: 'hunter2' });
    const removeDevice = await send(facade, 'DELETE', '/_synapse/admin/v2/users/@alice:mock.example/devices/DEVICEID');
    const { entries } = await auditPage(facade, { action: 'pass_through' });
    expect(entries.map((entry) => [entry.method, entry.path, entry.status, entry.request_id])).toEqual([
      ['DELETE', '/_synapse/admin/v2/users/@alice:mock.example/devices/DEVICEID', removeDevice.status, removeDevice.headers.get('x-request-id')],
      ['POST', '/_synapse/admin/v1/deactivate/@alice:mock.example', deactivate.status, deactivate.headers.get('x-request-id')],
      ['PUT', '/_synapse/admin/v1/users/%40alice%3Amock.example/admin', 200, demote.headers.get('x-request-id')],
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({ kind: 'pass-through', action: 'pass_through', admin: '@admin:mock.example', room_id: null, details: {} });
      expect(entry.duration_ms).toEqual(expect.any(Number));
    }
    expect(JSON.stringify(entries)).not.toMatch(/hunter2|erase|"admin":false/);
  });

  it('a GET, HEAD or OPTIONS makes no row', async () => {
    await send(facade, 'GET', '/_synapse/admin/v2/users/@alice:mock.example');
    await send(facade, 'HEAD', '/_synapse/admin/v2/users/@alice:mock.example');
    await send(facade, 'OPTIONS', '/_synapse/admin/v2/users/@alice:mock.example');
    expect(await passThroughRows()).toEqual([]);
  });

  it('a client API mutation (not /_synapse/admin/) makes no row', async () => {
    await send(facade, 'PUT', '/_matrix/client/v3/rooms/!a:mock.example/send/m.room.message/txn1', { body: 'hi' });
    expect(await storedRows(facade)).toEqual([]);
  });

  it.each([
    ['PUT', '/_synapse/admin/v1/registration_tokens/s3cretToken', '/_synapse/admin/v1/registration_tokens/[redacted]'],
    ['DELETE', '/_synapse/admin/v1/registration_tokens/s3cretToken', '/_synapse/admin/v1/registration_tokens/[redacted]'],
    ['DELETE', '/_synapse/admin/v1/registration%5Ftokens/s3cretToken', '/_synapse/admin/v1/registration%5Ftokens/[redacted]'],
    ['PUT', '/_synapse/admin/v1/registration_tokens/!s3cretToken:x', '/_synapse/admin/v1/registration_tokens/[redacted]'],
    ['POST', '/_synapse/admin/v1/registration_tokens/new', '/_synapse/admin/v1/registration_tokens/new'],
  ])('%s %s: a registration token in the path is masked', async (method, path, stored) => {
    await send(facade, method, path, {});
    const [entry] = await passThroughRows();
    expect(entry).toMatchObject({ method, path: stored, roomId: null });
    expect(JSON.stringify(await storedRows(facade))).not.toContain('s3cretToken');
  });

  it('the query is never stored: an access token there is forwarded, not recorded', async () => {
    const answer = await send(facade, 'POST', `/_synapse/admin/v1/deactivate/@alice:mock.example?access_token=${DEFAULT_ADMIN_TOKEN}`, {}, null);
    expect(mock.requests.at(-1)!.url).toContain(`access_token=${DEFAULT_ADMIN_TOKEN}`);
    const [entry] = await passThroughRows();
    expect(entry).toMatchObject({ path: '/_synapse/admin/v1/deactivate/@alice:mock.example', status: answer.status });
    expect(JSON.stringify(await storedRows(facade))).not.toContain(DEFAULT_ADMIN_TOKEN);
  });

  it('an unverified token is named by its fingerprint, never by itself', async () => {
    await send(facade, 'POST', '/_synapse/admin/v1/deactivate/@bob:mock.example', {}, DEFAULT_USER_TOKEN);
    const [entry] = await passThroughRows();
    expect(entry!.admin).toBe(`token:${tokenFingerprint(DEFAULT_USER_TOKEN)}`);
    expect(JSON.stringify(entry)).not.toContain(DEFAULT_USER_TOKEN);
  });

  it('no token: a row with no admin and the 401 the client got', async () => {
    const answer = await send(facade, 'PUT', '/_synapse/admin/v1/users/@alice:mock.example/admin', { admin: true }, null);
    expect(answer.status).toBe(401);
    expect((await passThroughRows())[0]).toMatchObject({ admin: null, status: 401 });
  });

  it('a room ID in the path makes the row findable by room', async () => {
    await send(facade, 'POST', '/_synapse/admin/v1/join/%21lobby%3Amock.example', { user_id: '@alice:mock.example' });
    const { entries } = await auditPage(facade, { room_id: '!lobby:mock.example' });
    expect(entries).toEqual([expect.objectContaining({ action: 'pass_through', path: '/_synapse/admin/v1/join/%21lobby%3Amock.example' })]);
  });
});

describe('Synapse gives no answer', () => {
  it("unreachable: the facade's 502 is the row's status", async () => {
    const nowhere = await startTestFacade('http://127.0.0.1:1');
    try {
      const answer = await send(nowhere, 'POST', '/_synapse/admin/v1/deactivate/@bob:mock.example', {});
      expect(answer.status).toBe(502);
      const rows = await storedRows(nowhere);
      expect(rows).toEqual([expect.objectContaining({ kind: 'pass-through', status: 502, details: { error: answer.json.error } })]);
    } finally {
      await nowhere.close();
    }
  });

  it("no headers in time: the facade's 504 is the row's status", async () => {
    const silent = await startFakeUpstream(() => {});
    const slow = await startTestFacade(silent.url, { upstreamHeadersTimeoutMs: 100 });
    try {
      const answer = await send(slow, 'DELETE', '/_synapse/admin/v1/registration_tokens/abc');
      expect(answer.status).toBe(504);
      expect(await storedRows(slow)).toEqual([expect.objectContaining({ status: 504, path: '/_synapse/admin/v1/registration_tokens/[redacted]' })]);
    } finally {
      await slow.close();
      await silent.close();
    }
  });
});
