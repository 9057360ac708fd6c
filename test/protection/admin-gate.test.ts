// The verified-admin gate: Synapse's own answers for bad tokens, before validation; verdicts cached
// by token hash; faults during verification never cached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_USER_TOKEN, EXPIRED_ADMIN_TOKEN } from '../../src/mock/constants.ts';
import { startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { isGateCheck } from '../routes/support.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { getAs } from '../routes/support.ts';

let mock: MockSynapse;
let facade: TestFacade;
const ROOMS = '/_synapse/admin/v1/rooms';
const gateChecks = () => mock.requests.filter((request) => isGateCheck(request.url)).length;

beforeAll(async () => {
  mock = await startMockSynapse();
  facade = await startTestFacade(mock.url, { adminVerdictTtlMs: 60_000 });
});
afterAll(async () => {
  await facade.close();
  await mock.close();
});

describe('verified-admin gate', () => {
  it("a fresh admin token's first valid GET is verified by Synapse's own answer; the burst behind it waits and shares it", async () => {
    mock.reset();
    const answers = await Promise.all(Array.from({ length: 10 }, () => getAs(facade.url, `${ROOMS}?limit=1`)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(gateChecks()).toBe(0);
    expect(mock.requests.filter((request) => request.url.startsWith(ROOMS))).toHaveLength(1);
    await getAs(facade.url, `${ROOMS}?limit=2`);
    expect(gateChecks()).toBe(0);
  });

  it('a fresh token with invalid parameters is verified with whoami and the admin flag first', async () => {
    const fresh = await startTestFacade(mock.url);
    mock.reset();
    const answer = await getAs(fresh.url, `${ROOMS}?limit=abc`);
    await fresh.close();
    expect(answer.status).toBe(400);
    expect(gateChecks()).toBe(2);
  });

  it("a mutation's caller is verified up front, so the audit line names the admin", async () => {
    const fresh = await startTestFacade(mock.url);
    mock.reset();
    await fetch(`${fresh.url}${ROOMS}/!x:mock.example/block`, { method: 'PUT', body: '{"block":false}', headers: { authorization: 'Bearer mock-admin-token' } });
    await fresh.close();
    expect(gateChecks()).toBe(2);
    expect(fresh.logLines.some((line) => line.includes('"user_id":"@admin:mock.example"'))).toBe(true);
  });

  it("a non-admin's valid GET gets Synapse's own 403, remembered for the burst behind it", async () => {
    mock.reset();
    const answers = await Promise.all(Array.from({ length: 5 }, () => getAs(facade.url, `${ROOMS}?limit=3`, 'mock-user-token')));
    expect(answers.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 403]);
    expect(answers[4]!.body).toEqual({ errcode: 'M_FORBIDDEN', error: 'You are not a server admin' });
    expect(mock.requests).toHaveLength(1);
  });

  it("answers a non-admin with Synapse's 403, before validating parameters", async () => {
    const answer = await getAs(facade.url, `${ROOMS}?limit=abc`, DEFAULT_USER_TOKEN);
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({ errcode: 'M_FORBIDDEN', error: 'You are not a server admin' });
  });

  it("answers an unknown token with Synapse's 401 and soft_logout, before validating parameters", async () => {
    const answer = await getAs(facade.url, `${ROOMS}?order_by=nope`, 'not-a-token');
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.', soft_logout: false });
  });

  it("answers an expired token with Synapse's 401 soft_logout: true", async () => {
    const answer = await getAs(facade.url, ROOMS, EXPIRED_ADMIN_TOKEN);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN', soft_logout: true });
  });

  it('keeps a refusal for the TTL too: a non-admin costs one verification', async () => {
    mock.reset();
    await getAs(facade.url, ROOMS, DEFAULT_USER_TOKEN);
    await getAs(facade.url, ROOMS, DEFAULT_USER_TOKEN);
    expect(gateChecks()).toBe(0);
  });

  it('a token in the query string is verified with that same token, and nothing else of the request', async () => {
    const fresh = await startTestFacade(mock.url);
    mock.reset();
    const answer = await getAs(fresh.url, `${ROOMS}?limit=x&access_token=mock-admin-token&user_id=@alice:mock.example`, null);
    await fresh.close();
    expect(answer.status).toBe(400);
    expect(mock.requests[0]!.url).toBe('/_matrix/client/v3/account/whoami');
    expect(mock.requests[0]!.headers.authorization).toBe('Bearer mock-admin-token');
  });
});

describe('Synapse down or slow during verification', () => {
  it('answers 502/504 and does not remember it as a verdict', async () => {
    const slow = await startMockSynapse({ latencyMs: 1_500 });
    const gated = await startTestFacade(slow.url, { upstreamHeadersTimeoutMs: 300 });
    const first = await getAs(gated.url, ROOMS);
    expect(first.status).toBe(504);
    expect(first.body).toEqual({ errcode: 'M_UNKNOWN', error: 'Synapse did not answer the admin facade in time' });
    await gated.close();
    await slow.close();

    const down = await startTestFacade('http://127.0.0.1:9');
    expect((await getAs(down.url, ROOMS)).status).toBe(502);
    await down.close();
  });

  it('verifies again after a fault (nothing was cached)', async () => {
    const flaky = await startMockSynapse();
    const gated = await startTestFacade(flaky.url);
    const port = new URL(flaky.url).port;
    await flaky.close();
    expect((await getAs(gated.url, ROOMS)).status).toBe(502);
    const back = await startMockSynapse({ port: Number(port) });
    expect((await getAs(gated.url, ROOMS)).status).toBe(200);
    await gated.close();
    await back.close();
  });
});
