// One audit row per login through the facade — who tried, whether it worked — and no password or token in
// any row, log line or metric; the login request and answer go through byte for byte.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN, SERVER_NAME, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { send, storedRows, until } from './support.ts';

const PASSWORD = 'admin-password';
let mock: MockSynapse;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse();
});
afterAll(() => mock.close());
beforeEach(async () => {
  facade = await startTestFacade(mock.url, { synapseServerName: SERVER_NAME });
});
afterEach(() => facade.close());

const loginRows = async () => (await storedRows(facade)).filter((entry) => entry.kind === 'login');
/** Waits for `count` login rows: a successful login's row is written once its answer has gone through. */
async function loginRowsOnceThere(count: number) {
  await until(async () => (await loginRows()).length >= count);
  return loginRows();
}

/** Every place a secret could leak to: the rows, the log lines, the metrics. */
async function everythingRecorded(): Promise<string> {
  return [JSON.stringify(await storedRows(facade)), facade.logLines.join('\n'), await facade.context.metrics.scrape()].join('\n');
}

describe('logins through the facade', () => {
  it('a successful password login: the user from the answer, success true, and no secret anywhere', async () => {
    const body = { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'admin' }, password: PASSWORD };
    const answer = await send(facade, 'POST', '/_matrix/client/v3/login', body, null);
    expect(answer.status).toBe(200);
    const accessToken = String(answer.json.access_token);
    expect(accessToken).toMatch(/^syt_/);
    // Forwarded byte for byte, both ways.
    expect(mock.requests.at(-1)!.body).toBe(JSON.stringify(body));
    expect(answer.json.user_id).toBe('@admin:mock.example');
    const [entry] = await loginRowsOnceThere(1);
    expect(entry).toMatchObject({
      action: 'login',
      method: 'POST',
      path: '/_matrix/client/v3/login',
      admin: '@admin:mock.example',
      status: 200,
      requestId: answer.headers.get('x-request-id'),
      details: { success: true, login_type: 'm.login.password' },
    });
    const recorded = await everythingRecorded();
    for (const secret of [PASSWORD, accessToken, DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN]) expect(recorded).not.toContain(secret);
  });

  it('a failed login: the user who tried (a localpart qualified), success false, no password', async () => {
    const answer = await send(facade, 'POST', '/_matrix/client/r0/login', { type: 'm.login.password', user: 'admin', password: 'wrong-guess' }, null);
    expect(answer.status).toBe(403);
    const [entry] = await loginRows();
    expect(entry).toMatchObject({ action: 'login', admin: '@admin:mock.example', status: 403, details: { success: false, login_type: 'm.login.password' } });
    expect(await everythingRecorded()).not.toContain('wrong-guess');
  });

  it('a third-party identifier is recorded as medium:address', async () => {
    const identifier = { type: 'm.id.thirdparty', medium: 'email', address: 'someone@example.org' };
    await send(facade, 'POST', '/_matrix/client/v3/login', { type: 'm.login.password', identifier, password: 'pw-3pid' }, null);
    const [entry] = await loginRows();
    expect(entry).toMatchObject({ admin: 'email:someone@example.org', details: { success: false } });
    expect(await everythingRecorded()).not.toContain('pw-3pid');
  });

  it('a token login: the login token is never recorded', async () => {
    await send(facade, 'POST', '/_matrix/client/v3/login', { type: 'm.login.token', token: 'loginTokenSecret' }, null);
    const [entry] = await loginRows();
    expect(entry).toMatchObject({ admin: null, details: { success: false, login_type: 'm.login.token' } });
    expect(await everythingRecorded()).not.toContain('loginTokenSecret');
  });

  it.each(['/_matrix/client/api/v1/login', '/_matrix/client/unstable/login'])('%s is a login too (Synapse serves it)', async (path) => {
    await send(facade, 'POST', path, { type: 'm.login.password', user: '@admin:mock.example', password: PASSWORD }, null);
    expect(await loginRowsOnceThere(1)).toEqual([expect.objectContaining({ path, admin: '@admin:mock.example' })]);
  });

  it('GET login (the flows) makes no row', async () => {
    expect((await send(facade, 'GET', '/_matrix/client/v3/login', undefined, null)).status).toBe(200);
    expect(await loginRows()).toEqual([]);
  });

  it('a body beyond the bounded read is forwarded whole; the user is then unknown', async () => {
    const body = JSON.stringify({ type: 'm.login.password', user: 'admin', password: PASSWORD, padding: 'p'.repeat(40_000) });
    const answer = await send(facade, 'POST', '/_matrix/client/v3/login', body, null);
    expect(answer.status).toBe(200);
    expect(mock.requests.at(-1)!.body).toBe(body);
    // A 200 answer still names the user.
    expect(await loginRowsOnceThere(1)).toEqual([expect.objectContaining({ admin: '@admin:mock.example', status: 200, details: { success: true, login_type: null } })]);
  });

  it('a client that leaves mid-upload: a quiet abort (no error line), a row without status', async () => {
    const { hostname, port } = new URL(facade.url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(`POST /_matrix/client/v3/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":`);
    await sleep(100);
    socket.destroy();
    const [entry] = await loginRowsOnceThere(1);
    expect(entry).toMatchObject({ status: null, details: { success: false } });
    const lines = facade.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => Number(line.level) >= 40)).toEqual([]);
    expect(lines.find((line) => line.msg === 'request')).toMatchObject({ route: 'pass-through', aborted: true });
  });
});
