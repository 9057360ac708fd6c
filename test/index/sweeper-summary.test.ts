// The index's figures: GET /_facade/v1/summary counts what Synapse listed (rooms by version, encrypted, public,
// spaces, empty; destinations failing, the oldest failure), and /_facade/metrics exports the same figures as
// gauges read from the copy kept after each sweep — a scrape never queries the store.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { indexSummary, samplesOf, wholeList } from './support/sweeper-harness.ts';

interface ListedRoom {
  version: string | null;
  encryption: string | null;
  public: boolean | number;
  room_type?: string | null;
  joined_local_members: number;
}
interface ListedDestination {
  failure_ts: number | null;
}

let mock: MockSynapse;
let facade: TestFacade;
let rooms: ListedRoom[];
let destinations: ListedDestination[];

beforeAll(async () => {
  mock = await startMockSynapse();
  facade = await startTestFacade(mock.url, { facadeAdminToken: DEFAULT_ADMIN_TOKEN, indexRefreshMs: 600_000, indexMaxUpstreamShare: 1 });
  await facade.index.wake();
  rooms = await wholeList<ListedRoom>(mock.url, 'rooms');
  destinations = await wholeList<ListedDestination>(mock.url, 'destinations');
});
afterAll(async () => {
  await facade?.close();
  await mock?.close();
});

const count = <T>(items: T[], keep: (item: T) => boolean) => items.filter(keep).length;
const scrape = async (running: TestFacade) => (await fetch(`${running.url}/_facade/metrics`)).text();

/** The figures, computed from the mock's own lists. */
function expectedFigures() {
  const byVersion: Record<string, number> = {};
  for (const room of rooms) byVersion[room.version ?? 'unknown'] = (byVersion[room.version ?? 'unknown'] ?? 0) + 1;
  const failures = destinations.map((destination) => destination.failure_ts).filter((ts): ts is number => ts !== null);
  return {
    byVersion,
    rooms: {
      total: rooms.length,
      encrypted: count(rooms, (room) => room.encryption !== null),
      public: count(rooms, (room) => room.public === true || room.public === 1),
      spaces: count(rooms, (room) => room.room_type === 'm.space'),
      empty: count(rooms, (room) => room.joined_local_members === 0),
    },
    destinations: { total: destinations.length, failing: failures.length },
    oldestFailure: Math.min(...failures),
  };
}

describe('GET /_facade/v1/summary', () => {
  it("counts what Synapse listed, with each index's age", async () => {
    const expected = expectedFigures();
    // The mock's data set has some of each, or the figures would prove little.
    for (const figure of Object.values(expected.rooms)) expect(figure).toBeGreaterThan(0);
    expect(Object.keys(expected.byVersion).length).toBeGreaterThan(1);
    const summary = await indexSummary(facade);
    expect(summary.rooms).toEqual({ ...expected.rooms, by_version: expected.byVersion });
    expect(summary.destinations).toMatchObject({ ...expected.destinations, oldest_failure_ts: expected.oldestFailure, oldest_failure: new Date(expected.oldestFailure).toISOString() });
    expect(Math.abs(summary.destinations.oldest_failure_age_s! - (Date.now() - expected.oldestFailure) / 1000)).toBeLessThanOrEqual(2);
    for (const kind of ['rooms', 'destinations'] as const) {
      expect(summary.index[kind].age_s).toBeLessThanOrEqual(1);
      expect(Date.now() - Date.parse(summary.index[kind].last_complete_sweep!)).toBeLessThan(5_000);
    }
  });

  it('counts the index as it is now, a room deleted through the facade included', async () => {
    const before = await indexSummary(facade);
    const roomId = [...mock.state.rooms.keys()].find((id) => id.endsWith(':mock.example') && !id.startsWith('!lobby'))!;
    const answer = await fetch(`${facade.url}/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ force_purge: true }),
    });
    expect(answer.status).toBe(200);
    expect((await indexSummary(facade)).rooms.total).toBe(before.rooms.total - 1);
  });
});

describe('the index gauges on /_facade/metrics', () => {
  it('export the summary: rooms by kind and version, destinations by state, the oldest failure and each index age', async () => {
    await facade.index.wake();
    const summary = await indexSummary(facade);
    const text = await scrape(facade);
    const roomSamples = samplesOf(text, 'facade_index_rooms');
    expect(Object.fromEntries(roomSamples)).toEqual({
      '{kind="total"}': summary.rooms.total,
      '{kind="encrypted"}': summary.rooms.encrypted,
      '{kind="public"}': summary.rooms.public,
      '{kind="spaces"}': summary.rooms.spaces,
      '{kind="empty"}': summary.rooms.empty,
    });
    expect(Object.fromEntries(samplesOf(text, 'facade_index_rooms_by_version'))).toEqual(
      Object.fromEntries(Object.entries(summary.rooms.by_version).map(([version, rooms]) => [`{version="${version}"}`, rooms])),
    );
    expect(Object.fromEntries(samplesOf(text, 'facade_index_destinations'))).toEqual({ '{state="total"}': summary.destinations.total, '{state="failing"}': summary.destinations.failing });
    const oldest = samplesOf(text, 'facade_index_oldest_failure_age_seconds').get('')!;
    expect(Math.abs(oldest - summary.destinations.oldest_failure_age_s!)).toBeLessThanOrEqual(2);
    const ages = samplesOf(text, 'facade_index_age_seconds');
    expect([...ages.keys()].sort()).toEqual(['{index="destinations"}', '{index="rooms"}']);
    for (const age of ages.values()) expect(age).toBeLessThan(5);
  });

  it('are read from the copy kept after each sweep: a scrape never queries the store', async () => {
    const summaries = vi.spyOn(facade.context.store, 'indexSummary');
    const counts = vi.spyOn(facade.context.store, 'countIndex');
    try {
      for (let scrapes = 0; scrapes < 2; scrapes += 1) {
        expect(samplesOf(await scrape(facade), 'facade_index_rooms').get('{kind="total"}')).toBeGreaterThan(0);
        // Past the one-second reuse of a built scrape text: each scrape builds anew.
        await new Promise((resolve) => setTimeout(resolve, 1_100));
      }
      expect(summaries).not.toHaveBeenCalled();
      expect(counts).not.toHaveBeenCalled();
      // A sweep refreshes the copy.
      await facade.index.wake();
      expect(summaries).toHaveBeenCalledTimes(1);
    } finally {
      summaries.mockRestore();
      counts.mockRestore();
    }
  });

  it('export no index age before a complete sweep, and the empty index as zeros', async () => {
    const waiting = await startTestFacade(mock.url, { indexRefreshMs: 600_000 });
    try {
      await waiting.index.wake();
      const text = await scrape(waiting);
      expect(samplesOf(text, 'facade_index_age_seconds').size).toBe(0);
      expect(samplesOf(text, 'facade_index_rooms').get('{kind="total"}')).toBe(0);
      expect(samplesOf(text, 'facade_index_oldest_failure_age_seconds').get('')).toBe(0);
    } finally {
      await waiting.close();
    }
  });
});
