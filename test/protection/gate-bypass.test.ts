// Regression tests for issue 9 "a made-up token can read admin data through the verified-admin gate", through
// real sockets: the facade (cache on) in front of the mock Synapse, which refuses over-large heads as Twisted does.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, ALICE_PASSWORD, ALICE_USER_ID, DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN } from '../../src/mock/constants.ts';
import { startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { rawHttp } from '../support/raw-http.ts';
import { getAs, readAnswer, type Answer } from '../routes/support.ts';

const LIST = '/_synapse/admin/v1/rooms?limit=2';
let mock: MockSynapse;
let facade: TestFacade;
const madeUpToken = () => `made-up-${randomBytes(8).toString('hex')}`;

beforeAll(async () => {
  mock = await startMockSynapse();
  // No settle window: user writes (demotion) would otherwise keep the list out of the cache the next test warms.
  facade = await startTestFacade(mock.url, { adminVerdictTtlMs: 60_000, cacheSettleMs: 0 });
});
afterAll(async () => {
  await facade.close();
  await mock.close();
});
// The admin's list is in the cache before every attack, so a hit would hand it to the attacker.
beforeEach(async () => {
  await getAs(facade.url, LIST);
  expect((await getAs(facade.url, LIST)).headers.get('x-facade-cache')).toBe('hit');
});

/** Reads the list as `token` and asserts Synapse's own refusal: no rooms, not a hit. */
async function expectRefusedRead(token: string, status = 401, errcode = 'M_UNKNOWN_TOKEN'): Promise<Answer> {
  const answer = await getAs(facade.url, LIST, token);
  expect(answer.status).toBe(status);
  expect(answer.body.errcode).toBe(errcode);
  expect(answer.body).not.toHaveProperty('rooms');
  expect(answer.headers.get('x-facade-cache')).not.toBe('hit');
  return answer;
}

/** A raw GET of `target` with `headers` (name, value) and the token as a bearer header, over one socket. */
function rawGet(target: string, token: string | null, headers: Array<[string, string]>) {
  const lines = [`GET ${target} HTTP/1.1`, ...(token ? [`Authorization: Bearer ${token}`] : []), ...headers.map(([name, value]) => `${name}: ${value}`)];
  return rawHttp(facade.url, lines.join('\r\n'));
}

const manyHeaders = (): Array<[string, string]> => Array.from({ length: 501 }, (_, i) => [`x${i + 1}`, '1']);

/**
 * One header that puts request line plus headers at 16,346 bytes: over Twisted's 16,384-byte limit once
 * the facade's own headers are added, under Node's 16 KiB parser limit (the window the attack used).
 */
function bigHeader(target: string, token: string): Array<[string, string]> {
  const { hostname, port } = new URL(facade.url);
  const fixed = `GET ${target} HTTP/1.1\r\nAuthorization: Bearer ${token}\r\nx-padding: \r\nHost: ${hostname}:${port}\r\nConnection: close\r\nContent-Length: 0\r\n`;
  return [['x-padding', 'p'.repeat(16_346 - fixed.length)]];
}

describe('issue 9: a pre-auth 400 from Twisted is no proof of an admin', () => {
  it('the mock refuses 501 headers like Twisted: a bare 400 before auth', async () => {
    const answer = await rawHttp(mock.url, ['GET /_synapse/admin/v1/rooms/x HTTP/1.1', 'Authorization: Bearer nope', ...manyHeaders().map(([n, v]) => `${n}: ${v}`)].join('\r\n'));
    expect(answer.status).toBe(400);
    expect(answer.text).not.toContain('errcode');
  });

  it('501 headers and a made-up token: Synapse’s own 401, then no admin data', async () => {
    const token = madeUpToken();
    const attack = await rawGet('/_synapse/admin/v1/rooms/x', token, manyHeaders());
    expect(attack.status).toBe(401);
    expect(attack.text).toContain('M_UNKNOWN_TOKEN');
    await expectRefusedRead(token);
  });

  it('one 16.25 KB header and a made-up token: no admin data', async () => {
    const token = madeUpToken();
    const target = '/_synapse/admin/v1/rooms/x';
    const attack = await rawGet(target, token, bigHeader(target, token));
    expect(attack.status).toBe(401);
    expect(attack.text).not.toContain('"rooms"');
    await expectRefusedRead(token);
  });

  it('the made-up token in the query string: no admin data', async () => {
    const token = madeUpToken();
    const attack = await rawGet(`/_synapse/admin/v1/rooms/x?access_token=${token}`, null, manyHeaders());
    expect(attack.status).toBe(401);
    const answer = await readAnswer(await fetch(`${facade.url}${LIST}&access_token=${token}`));
    expect(answer.status).toBe(401);
    expect(answer.body).not.toHaveProperty('rooms');
    expect(answer.headers.get('x-facade-cache')).not.toBe('hit');
  });

  it('a real non-admin token: Synapse’s 403, then no admin data', async () => {
    const attack = await rawGet('/_synapse/admin/v1/rooms/x', DEFAULT_USER_TOKEN, manyHeaders());
    expect(attack.status).toBe(403);
    await expectRefusedRead(DEFAULT_USER_TOKEN, 403, 'M_FORBIDDEN');
  });

  it('owned routes forward only the allowlisted headers', async () => {
    mock.reset();
    await rawGet('/_synapse/admin/v1/rooms?limit=1', DEFAULT_ADMIN_TOKEN, [['Cookie', 'a=b'], ['X-Custom', '1'], ['User-Agent', 'ua'], ['X-Request-Id', 'abc-1']]);
    const seen = mock.requests.at(-1)!;
    expect(Object.keys(seen.headers).sort()).toEqual(['authorization', 'connection', 'host', 'user-agent', 'x-forwarded-for', 'x-forwarded-proto', 'x-request-id']);
    expect(seen.headers['x-request-id']).toBe('abc-1');
  });

  it('an allowlisted header too large to forward gets the facade’s own 431, and Synapse sees nothing', async () => {
    mock.reset();
    const attack = await rawGet('/_synapse/admin/v1/rooms/x', madeUpToken(), [['User-Agent', 'u'.repeat(9_000)]]);
    expect(attack.status).toBe(431);
    expect(attack.text).toContain('"errcode":"M_TOO_LARGE"');
    expect(mock.requests).toHaveLength(0);
  });
});

describe('issue 9: the token the gate judged is the token Synapse receives', () => {
  it('`Connection: authorization` does not drop the Authorization header, on owned routes and pass-through', async () => {
    mock.reset();
    const fresh = await startTestFacade(mock.url);
    const head = (target: string) => `GET ${target} HTTP/1.1\r\nAuthorization: Bearer ${DEFAULT_ADMIN_TOKEN}\r\nConnection: authorization`;
    const owned = await rawHttp(fresh.url, head('/_synapse/admin/v1/rooms?limit=1'));
    const passed = await rawHttp(fresh.url, head('/_matrix/client/v3/account/whoami'));
    await fresh.close();
    expect(owned.status).toBe(200);
    expect(passed.status).toBe(200);
    expect(mock.requests.every((request) => request.headers.authorization === `Bearer ${DEFAULT_ADMIN_TOKEN}`)).toBe(true);
  });
});

/** Reads the list twice as `token` (a fresh token's first read goes to Synapse alone); the second must be a hit. */
async function expectHitAs(token: string): Promise<void> {
  expect((await getAs(facade.url, LIST, token)).status).toBe(200);
  expect((await getAs(facade.url, LIST, token)).headers.get('x-facade-cache')).toBe('hit');
}

/** Logs in through the facade with a password; returns the new token. */
async function login(user: string, password: string): Promise<string> {
  const answer = await readAnswer(await fetch(`${facade.url}/_matrix/client/v3/login`, {
    method: 'POST',
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user }, password }),
  }));
  expect(answer.status).toBe(200);
  return answer.body.access_token as string;
}

const post = (path: string, token: string, body = '{}') =>
  fetch(`${facade.url}${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${token}` } });

describe('issue 9: verdicts follow the token’s real state', () => {
  it('logout through the facade ends the token’s verdict at once', async () => {
    const token = await login('admin', ADMIN_PASSWORD);
    await expectHitAs(token);
    expect((await post('/_matrix/client/v3/logout', token)).status).toBe(200);
    await expectRefusedRead(token);
  });

  it('logout/all through the facade ends every verdict of that user', async () => {
    const [first, second] = [await login('admin', ADMIN_PASSWORD), await login('admin', ADMIN_PASSWORD)];
    for (const token of [first, second]) await expectHitAs(token);
    expect((await post('/_matrix/client/v3/logout/all', first)).status).toBe(200);
    await expectRefusedRead(first);
    await expectRefusedRead(second);
    // logout/all ended the mock's own admin token too: bring it back for the next tests.
    mock.resetState();
  });

  it('demotion through the facade ends the demoted admin’s verdicts', async () => {
    mock.state.users.get(ALICE_USER_ID)!.admin = true;
    const token = await login('alice', ALICE_PASSWORD);
    await expectHitAs(token);
    const demote = await fetch(`${facade.url}/_synapse/admin/v1/users/${encodeURIComponent(ALICE_USER_ID)}/admin`, {
      method: 'PUT', body: '{"admin":false}', headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` },
    });
    expect(demote.status).toBe(200);
    await expectRefusedRead(token, 403, 'M_FORBIDDEN');
  });

  it('a 401 from Synapse to a verified token on any path drops its verdict (logged out elsewhere)', async () => {
    const token = await login('admin', ADMIN_PASSWORD);
    await expectHitAs(token);
    mock.state.tokens.delete(token);
    // Still a hit: the facade cannot know yet. Then the token's next call that reaches Synapse is refused.
    expect((await getAs(facade.url, LIST, token)).status).toBe(200);
    expect((await getAs(facade.url, '/_matrix/client/v3/account/whoami', token)).status).toBe(401);
    await expectRefusedRead(token);
  });
});
