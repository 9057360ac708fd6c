// A block job runs to `finished`: never more than `concurrency` requests in flight at Synapse, each slot
// pausing pace_ms between children, one audit row and one metric per room, every room blocked.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_USER_ID } from '../../src/mock/constants.ts';
import { startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { startCountingProxy, type CountingProxy } from './support/counting-proxy.ts';
import { api, ended, startJob, waitForJob } from './support/jobs-client.ts';

const LATENCY_MS = 40;
const PACE_MS = 30;
let mock: MockSynapse;
let proxy: CountingProxy;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse({ latencyMs: LATENCY_MS });
});
afterAll(() => mock.close());
afterEach(async () => {
  await facade?.close();
  await proxy?.close();
});

/** A facade behind a proxy that counts the block PUTs in flight at the mock. */
async function start(): Promise<void> {
  proxy = await startCountingProxy(mock.url, (method, url) => method === 'PUT' && url.endsWith('/block'));
  facade = await startTestFacade(proxy.url);
}

const roomsNamed = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `!${prefix}${index}:mock.example`);

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${facade.url}/_facade/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  // A missing series fails the test: a dropped or renamed metric must not read as 0.
  if (line === undefined) throw new Error(`no series ${name} in /_facade/metrics`);
  return Number(line.split(' ')[1]);
}

describe('a block job', () => {
  it('with concurrency 1 sends one room at a time, paced, and finishes with every room blocked', async () => {
    await start();
    const rooms = roomsNamed('serial', 4);
    const started = await startJob(facade.url, { action: 'block', rooms, concurrency: 1, pace_ms: PACE_MS });
    expect(started).toMatchObject({ action: 'block', admin: ADMIN_USER_ID, room_count: 4, concurrency: 1, pace_ms: PACE_MS });
    const job = await waitForJob(facade.url, started.job_id, ended);

    expect(job.state).toBe('finished');
    expect(job.finished_at).not.toBeNull();
    expect(job.counts).toEqual({ pending: 0, sending: 0, following: 0, done: 4, failed: 0, skipped: 0 });
    expect(job.children.map((child) => [child.room_id, child.state, child.result])).toEqual(rooms.map((room) => [room, 'done', { block: true }]));
    for (const room of rooms) expect(mock.state.blockedRooms.get(room)).toBe(ADMIN_USER_ID);

    expect(proxy.seen.map((seen) => decodeURIComponent(seen.url))).toEqual(rooms.map((room) => `/_synapse/admin/v1/rooms/${room}/block`));
    expect(proxy.maxInFlight).toBe(1);
    for (let index = 1; index < proxy.seen.length; index += 1) {
      // The next child leaves at least pace_ms after the previous answer (a timer may fire a millisecond early).
      expect(proxy.seen[index]!.startedAt - proxy.seen[index - 1]!.endedAt!).toBeGreaterThanOrEqual(PACE_MS - 2);
    }
  });

  it('with concurrency 2 has two rooms in flight, never more', async () => {
    await start();
    const rooms = roomsNamed('pair', 5);
    const started = await startJob(facade.url, { action: 'block', rooms, concurrency: 2, pace_ms: 10 });
    const job = await waitForJob(facade.url, started.job_id, ended);
    expect(job.state).toBe('finished');
    expect(job.counts.done).toBe(5);
    expect(proxy.seen).toHaveLength(5);
    expect(proxy.maxInFlight).toBe(2);
  });

  it('writes one job audit row per room, and counts each room in the metrics', async () => {
    await start();
    const rooms = roomsNamed('audited', 3);
    const started = await startJob(facade.url, { action: 'unblock', rooms, pace_ms: 0 });
    await waitForJob(facade.url, started.job_id, ended);

    const rows = await facade.context.store.listAudit({ action: 'room.unblock', limit: 10 });
    expect(rows.map((row) => row.roomId).sort()).toEqual([...rooms].sort());
    for (const row of rows) {
      expect(row).toMatchObject({ kind: 'job', method: 'PUT', admin: ADMIN_USER_ID, status: 200 });
      expect(row.path).toBe(`/_synapse/admin/v1/rooms/${row.roomId}/block`);
      expect(row.details).toMatchObject({ job_id: started.job_id, position: rooms.indexOf(row.roomId!) });
      expect(row.durationMs).toBeGreaterThanOrEqual(LATENCY_MS - 2);
    }
    const created = await facade.context.store.listAudit({ action: 'job.create', limit: 10 });
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ kind: 'job', admin: ADMIN_USER_ID, status: 202, details: { job_id: started.job_id, count: 3 } });
    expect(await metric('facade_job_children_total{action="unblock",state="done"}')).toBe(3);
    expect(await metric('facade_jobs_running')).toBe(0);
  });

  it('lists jobs newest first, and answers 404 for an unknown job', async () => {
    await start();
    const first = await startJob(facade.url, { action: 'block', rooms: roomsNamed('listed-a', 1), pace_ms: 0 });
    const second = await startJob(facade.url, { action: 'block', rooms: roomsNamed('listed-b', 2), pace_ms: 0 });
    await waitForJob(facade.url, second.job_id, ended);

    const page = await api<{ jobs: { job_id: string }[]; next_cursor?: string }>(facade.url, 'GET', '/_facade/v1/jobs?limit=1');
    expect(page.status).toBe(200);
    const next = await api<{ jobs: { job_id: string }[]; next_cursor?: string }>(facade.url, 'GET', `/_facade/v1/jobs?limit=1&cursor=${page.body.next_cursor}`);
    const order = [...page.body.jobs, ...next.body.jobs].map((job) => job.job_id);
    // Created in this order, possibly within one millisecond: then the ID decides, so only the set is certain.
    expect(new Set(order)).toEqual(new Set([first.job_id, second.job_id]));
    expect(next.body.next_cursor).toBeUndefined();

    const children = await api<{ children: { position: number }[]; next_children_cursor?: string }>(facade.url, 'GET', `/_facade/v1/jobs/${second.job_id}?children_limit=1`);
    expect(children.body.children.map((child) => child.position)).toEqual([0]);
    const rest = await api<{ children: { position: number }[] }>(facade.url, 'GET', `/_facade/v1/jobs/${second.job_id}?children_cursor=${children.body.next_children_cursor}`);
    expect(rest.body.children.map((child) => child.position)).toEqual([1]);

    expect(await api(facade.url, 'GET', '/_facade/v1/jobs/no-such-job')).toMatchObject({ status: 404, body: { errcode: 'M_NOT_FOUND' } });
    expect(await api(facade.url, 'POST', '/_facade/v1/jobs/no-such-job/cancel')).toMatchObject({ status: 404, body: { errcode: 'M_NOT_FOUND' } });
  });
});
