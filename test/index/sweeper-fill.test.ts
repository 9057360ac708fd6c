// A sweep fills the room and destination index with exactly Synapse's two lists, every field normalised as the
// facade's own list routes answer them, paging with INDEX_PAGE_SIZE one request at a time; the status says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { indexedRows, indexStatus, isSweepPage, wholeList } from './support/sweeper-harness.ts';

const PAGE_SIZE = 40;
let mock: MockSynapse;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse();
  // A long refresh: the only sweeps are the one at start and those the tests ask for.
  facade = await startTestFacade(mock.url, { facadeAdminToken: DEFAULT_ADMIN_TOKEN, indexPageSize: PAGE_SIZE, indexRefreshMs: 600_000, indexMaxUpstreamShare: 1 });
  await facade.index.wake();
});
afterAll(async () => {
  await facade?.close();
  await mock?.close();
});

const byKey = <T>(key: keyof T) => (a: T, b: T) => String(a[key]).localeCompare(String(b[key]));

describe('a complete sweep', () => {
  it("fills the room index with Synapse's room list, every field as GET /v1/rooms answers it through the facade", async () => {
    const expected = (await wholeList<Record<string, unknown>>(facade.url, 'rooms')).sort(byKey('room_id'));
    const rows = await indexedRows(facade, 'rooms');
    expect(rows).toHaveLength(mock.state.rooms.size);
    expect(rows.map((row) => row.item).sort(byKey('room_id'))).toEqual(expected);
    expect(rows.map((row) => row.key).sort()).toEqual([...mock.state.rooms.keys()].sort());
  });

  it("keeps every field the mock sends (booleans as booleans, Synapse's empty creator as null)", async () => {
    const raw = await wholeList<Record<string, unknown>>(mock.url, 'rooms');
    const rows = new Map((await indexedRows(facade, 'rooms')).map((row) => [row.key, row.item]));
    for (const room of raw) {
      const item = rows.get(String(room.room_id))!;
      for (const [field, value] of Object.entries(room)) {
        const expected = value === 0 || value === 1 ? (typeof item[field] === 'boolean' ? value === 1 : value) : field === 'creator' && value === '' ? null : value;
        expect([room.room_id, field, item[field]]).toEqual([room.room_id, field, expected]);
      }
    }
  });

  it("fills the destination index with Synapse's destinations list, every field normalised", async () => {
    const expected = (await wholeList<Record<string, unknown>>(facade.url, 'destinations')).sort(byKey('destination'));
    const rows = await indexedRows(facade, 'destinations');
    expect(rows).toHaveLength(mock.state.destinations.size);
    expect(rows.map((row) => row.item).sort(byKey('destination'))).toEqual(expected);
  });

  it('asks for pages of INDEX_PAGE_SIZE, following next_batch and next_token to the end, one request at a time', async () => {
    mock.reset();
    await facade.index.wake();
    const pages = mock.requests.filter((request) => isSweepPage(request.method, request.url)).map((request) => request.url);
    const offsets = (count: number) => Array.from({ length: Math.ceil(count / PAGE_SIZE) }, (_, page) => page * PAGE_SIZE);
    expect(pages).toEqual([
      ...offsets(mock.state.rooms.size).map((from) => `/_synapse/admin/v1/rooms?limit=${PAGE_SIZE}&from=${from}`),
      ...offsets(mock.state.destinations.size).map((from) => `/_synapse/admin/v1/federation/destinations?limit=${PAGE_SIZE}&from=${from}`),
    ]);
    // With FACADE_ADMIN_TOKEN, the sweeper sends nothing else (no gate lookups), and every page carries that token.
    expect(mock.requests).toHaveLength(pages.length);
    expect(new Set(mock.requests.map((request) => request.headers.authorization))).toEqual(new Set([`Bearer ${DEFAULT_ADMIN_TOKEN}`]));
  });

  it('is reported by GET /_facade/v1/index: rows, the last complete sweep with its requests, and the next sweep', async () => {
    const before = Date.now();
    await facade.index.wake();
    const status = await indexStatus(facade);
    const roomPages = Math.ceil(mock.state.rooms.size / PAGE_SIZE);
    expect(status).toMatchObject({ refresh_ms: 600_000, max_upstream_share: 1, page_size: PAGE_SIZE });
    expect(status.rooms).toMatchObject({
      rows: mock.state.rooms.size,
      last_complete_sweep: { upstream_requests: roomPages, rows: mock.state.rooms.size, removed: 0 },
      sweep_in_progress: null,
      last_failed_sweep: null,
      waiting_for_token: false,
    });
    expect(status.destinations.last_complete_sweep?.upstream_requests).toBe(Math.ceil(mock.state.destinations.size / PAGE_SIZE));
    const sweep = status.rooms.last_complete_sweep!;
    expect(Date.parse(sweep.started)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(sweep.finished) - Date.parse(sweep.started)).toBe(sweep.duration_ms);
    expect(status.rooms.age_s).toBeLessThanOrEqual(1);
    // The next sweep is INDEX_REFRESH_MS after this one.
    expect(Date.parse(status.rooms.next_sweep!) - Date.parse(status.destinations.last_complete_sweep!.finished)).toBeGreaterThanOrEqual(599_000);
  });

  it('shows a sweep in progress with its requests so far', async () => {
    // 9 room pages of 200 ms: the status request (and its admin check) lands while the room sweep runs.
    const slow = await startMockSynapse({ latencyMs: 200 });
    const watched = await startTestFacade(slow.url, { facadeAdminToken: DEFAULT_ADMIN_TOKEN, indexPageSize: 20, indexRefreshMs: 600_000, indexMaxUpstreamShare: 1 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const status = await indexStatus(watched);
      expect(status.rooms.sweep_in_progress).toMatchObject({ upstream_requests: expect.any(Number), rows: expect.any(Number) });
      expect(status.rooms.sweep_in_progress!.upstream_requests).toBeGreaterThanOrEqual(1);
      expect(status.rooms.next_sweep).toBeNull();
    } finally {
      await watched.close();
      await slow.close();
    }
  });
});
