// Which token a sweep reads Synapse with: FACADE_ADMIN_TOKEN, else the admin the gate verified most recently
// (held in memory only); with neither the sweeper waits and says so, and a token Synapse refuses is dropped.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD } from '../../src/mock/constants.ts';
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { api } from '../jobs/support/jobs-client.ts';
import { indexStatus, isSweepPage } from './support/sweeper-harness.ts';

let mock: MockSynapse;
let facade: TestFacade | undefined;

beforeEach(async () => {
  mock = await startMockSynapse();
});
afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await mock.close();
});

const start = async (overrides: Record<string, unknown> = {}) => {
  facade = await startTestFacade(mock.url, { indexPageSize: 100, indexRefreshMs: 600_000, indexMaxUpstreamShare: 1, ...overrides });
  return facade;
};

/** A fresh access token of the mock's admin, from a password login at the mock itself. */
async function loginAsAdmin(): Promise<string> {
  const response = await fetch(`${mock.url}/_matrix/client/v3/login`, {
    method: 'POST',
    body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'admin' }, password: ADMIN_PASSWORD }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Pages of 100 in a whole sweep of the mock's rooms and destinations. */
const pagesOfOneSweep = () => Math.ceil(mock.state.rooms.size / 100) + Math.ceil(mock.state.destinations.size / 100);

/** The Authorization headers of the sweep's pages the mock saw. */
const sweepTokens = () => mock.requests.filter((request) => isSweepPage(request.method, request.url)).map((request) => request.headers.authorization);

describe('the sweep token', () => {
  it('without FACADE_ADMIN_TOKEN and before any admin came, the sweeper waits, says so, and asks Synapse nothing', async () => {
    const running = await start();
    await running.index.wake();
    expect(running.index.state.waitingForToken).toBe(true);
    const token = await loginAsAdmin();
    // This very request is the first admin's: its answer still shows the wait; the next pass uses its token.
    const { body: status } = await api<Awaited<ReturnType<typeof indexStatus>>>(running.url, 'GET', '/_facade/v1/index', { token });
    expect(status.rooms).toMatchObject({ rows: 0, waiting_for_token: true, last_complete_sweep: null });
    // It looks for a token again at the next sweep time, INDEX_REFRESH_MS after the last look: not at once.
    expect(Date.parse(status.rooms.next_sweep!) - Date.now()).toBeGreaterThan(590_000);
    expect(status.destinations.waiting_for_token).toBe(true);
    expect(sweepTokens()).toEqual([]);

    await running.index.wake();
    expect(sweepTokens()).toEqual(Array(pagesOfOneSweep()).fill(`Bearer ${token}`));
    expect((await indexStatus(running)).rooms).toMatchObject({ rows: mock.state.rooms.size, waiting_for_token: false });
  });

  it("an owned route's verified admin lends the sweep its token (an unverified first use does not)", async () => {
    const running = await start();
    const token = await loginAsAdmin();
    const roomId = [...mock.state.rooms.keys()][0]!;
    const read = () => fetch(`${running.url}/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await read()).status).toBe(200);
    await running.index.wake();
    expect(sweepTokens()).toEqual([]);
    // Synapse's 200 proved it an admin's: the second request is the gate's verified one.
    expect((await read()).status).toBe(200);
    await running.index.wake();
    expect(sweepTokens()).toEqual(Array(pagesOfOneSweep()).fill(`Bearer ${token}`));
  });

  it('drops an admin token Synapse refuses (logged out), stops that sweep, and waits for the next admin', async () => {
    const running = await start();
    const token = await loginAsAdmin();
    await api(running.url, 'GET', '/_facade/v1/index', { token });
    await running.index.wake();
    expect(running.index.state.waitingForToken).toBe(false);
    await fetch(`${mock.url}/_matrix/client/v3/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    mock.reset();

    await running.index.wake();
    // The rooms page was refused; the destinations list was not asked with a dead token.
    expect(mock.requests.filter((request) => isSweepPage(request.method, request.url)).map((request) => request.url)).toEqual(['/_synapse/admin/v1/rooms?limit=100&from=0']);
    expect(running.index.state.lastFailure.rooms?.error).toMatch(/Synapse answered 401 to page 0 \(it refused the token\)/);
    expect(running.context.newestAdminToken).toBeUndefined();
    await running.index.wake();
    expect(running.index.state.waitingForToken).toBe(true);

    // The next admin's token takes over.
    await api(running.url, 'GET', '/_facade/v1/index');
    await running.index.wake();
    expect(sweepTokens().at(-1)).toBe(`Bearer ${DEFAULT_ADMIN_TOKEN}`);
    expect(running.index.state.lastFailure.rooms).toBeUndefined();
  });

  it('FACADE_ADMIN_TOKEN wins over any admin verified since, and a refused one leaves a failed sweep, never a wait', async () => {
    const running = await start({ facadeAdminToken: 'not-a-synapse-token' });
    await api(running.url, 'GET', '/_facade/v1/index');
    await running.index.wake();
    expect(new Set(sweepTokens())).toEqual(new Set(['Bearer not-a-synapse-token']));
    const status = await indexStatus(running);
    expect(status.rooms).toMatchObject({ rows: 0, waiting_for_token: false, last_complete_sweep: null });
    expect(status.rooms.last_failed_sweep?.error).toMatch(/401/);
  });
});
