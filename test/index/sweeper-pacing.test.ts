// The sweeper keeps Synapse's share of its wall time under INDEX_MAX_UPSTREAM_SHARE: one page at a time, and
// after a page that took t ms a pause of t × (1/share − 1) before the next request — measured at Synapse's door.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { startCountingProxy, type CountingProxy } from '../jobs/support/counting-proxy.ts';
import { indexStatus, isSweepPage } from './support/sweeper-harness.ts';

const LATENCY_MS = 40;
const SHARE = 0.25;
let mock: MockSynapse;
let proxy: CountingProxy;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse({ latencyMs: LATENCY_MS });
  proxy = await startCountingProxy(mock.url, isSweepPage);
  facade = await startTestFacade(proxy.url, { facadeAdminToken: DEFAULT_ADMIN_TOKEN, indexPageSize: 40, indexRefreshMs: 600_000, indexMaxUpstreamShare: SHARE });
  await facade.index.wake();
});
afterAll(async () => {
  await facade?.close();
  await proxy?.close();
  await mock?.close();
});

describe('a paced sweep', () => {
  it('sends one page at a time', () => {
    // 164 rooms and 46 destinations in pages of 40 (the sweep at start is the one wake() waited for).
    expect(proxy.seen).toHaveLength(5 + 2);
    expect(proxy.maxInFlight).toBe(1);
  });

  it('pauses after each page at least t × (1/share − 1), t being the time Synapse took for it', () => {
    const pages = proxy.seen;
    for (let index = 1; index < pages.length; index += 1) {
      const previous = pages[index - 1]!;
      const busy = previous.endedAt! - previous.startedAt;
      // The facade's own measure of a page includes the proxy's hop, so it is never shorter than the proxy's.
      expect(pages[index]!.startedAt - previous.endedAt!).toBeGreaterThanOrEqual(busy * (1 / SHARE - 1) - 2);
    }
  });

  it("keeps Synapse's share of the sweeper's wall time at or under INDEX_MAX_UPSTREAM_SHARE", async () => {
    const pages = proxy.seen;
    // Each page's pause is its own, so measure up to the last page's start (its pause comes after).
    const busy = pages.slice(0, -1).reduce((sum, page) => sum + (page.endedAt! - page.startedAt), 0);
    const wall = pages.at(-1)!.startedAt - pages[0]!.startedAt;
    expect(busy / wall).toBeLessThanOrEqual(SHARE + 0.01);
    // …and the sweep is not starved either: the mock's latency is most of each page.
    expect(busy).toBeGreaterThanOrEqual((pages.length - 1) * LATENCY_MS);
    const status = await indexStatus(facade);
    expect(status.rooms.last_complete_sweep!.duration_ms).toBeGreaterThanOrEqual(4 * LATENCY_MS * (1 / SHARE));
  });

  it('carries the last page’s pause into the next pass: a tiny INDEX_REFRESH_MS cannot raise the share', async () => {
    const eager = await startTestFacade(proxy.url, { facadeAdminToken: DEFAULT_ADMIN_TOKEN, indexPageSize: 100, indexRefreshMs: 1, indexMaxUpstreamShare: SHARE });
    const from = proxy.seen.length;
    try {
      // Three passes back to back: rooms 2 pages, destinations 1 page each.
      while (proxy.seen.length - from < 9) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      await eager.close();
    }
    const pages = proxy.seen.slice(from, from + 9);
    for (let index = 1; index < pages.length; index += 1) {
      const previous = pages[index - 1]!;
      expect(pages[index]!.startedAt - previous.endedAt!).toBeGreaterThanOrEqual((previous.endedAt! - previous.startedAt) * (1 / SHARE - 1) - 2);
    }
  });
});
