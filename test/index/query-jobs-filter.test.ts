// POST /_facade/v1/jobs with `filter` instead of `rooms`: the dry run resolves it through the index into the exact
// list of matching rooms (by room ID), its confirm token binds that list, and a run whose filter now resolves to
// another list is refused (409) — so a job does only what its dry run showed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDryRunAnswer, JobView } from '../../schemas/jobs.ts';
import type { MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { api, waitForJob } from '../jobs/support/jobs-client.ts';
import { indexMockRooms, keysOf, markSwept, page, roomItem, startQueryFacade } from './support/query-harness.ts';

let mock: MockSynapse;
let facade: TestFacade;

beforeAll(async () => {
  ({ mock, facade } = await startQueryFacade());
  await indexMockRooms(facade, mock);
});
afterAll(async () => {
  await facade?.close();
  await mock?.close();
});

const FILTER = { public: true, empty: true };
const jobs = (body: unknown, on = facade) => api<Record<string, unknown>>(on.url, 'POST', '/_facade/v1/jobs', { body });
/** The rooms GET /_facade/v1/rooms lists for the same filters, by room ID. */
const listed = async () => keysOf(await page(facade, '/_facade/v1/rooms', { public: 'true', empty: 'true', order_by: 'room_id', limit: '1000' }));
/** Requests to Synapse other than the admin gate's. */
const roomRequests = () => mock.requests.filter((request) => request.url.includes('/rooms'));

describe('a job selected by filter', () => {
  it('dry-runs into exactly the rooms the listing shows for that filter, by room ID, sending nothing', async () => {
    mock.reset();
    const expected = await listed();
    expect(expected.length).toBeGreaterThan(1);
    const { status, body } = await jobs({ action: 'block', filter: FILTER });
    expect(status, JSON.stringify(body)).toBe(200);
    const plan = body as unknown as JobDryRunAnswer;
    expect(plan.count).toBe(expected.length);
    expect(plan.sample).toEqual(expected.slice(0, 20));
    expect(plan.sample).toEqual([...plan.sample].sort());
    expect(roomRequests()).toEqual([]);
    expect(await facade.context.store.listJobs({ limit: 10 })).toEqual([]);
  });

  it('runs on that list, and a run after the index changed the list is refused with 409 until it is the same again', async () => {
    const expected = await listed();
    const request = { action: 'block', filter: FILTER, pace_ms: 0 };
    const { body: plan } = await jobs(request);
    const run = { ...request, dry_run: false, confirm: plan.confirm };
    // A room appears in the index that matches the filter: the list is no longer the one shown.
    await facade.context.store.upsertIndexed('rooms', [roomItem('!arrived:mock.example', { public: true, joined_local_members: 0 })], Date.now());
    const refused = await jobs(run);
    expect(refused.status).toBe(409);
    expect(String(refused.body.error)).toMatch(/another room list/);
    expect(await facade.context.store.listJobs({ limit: 10 })).toEqual([]);
    await facade.context.store.removeIndexed('rooms', '!arrived:mock.example');
    const started = await jobs(run);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const job = await waitForJob(facade.url, String(started.body.job_id), (view) => view.state === 'finished');
    expect(job.children.map((child: JobView['children'][number]) => child.room_id)).toEqual(expected);
    expect(job.counts.done).toBe(expected.length);
    for (const roomId of expected) expect(mock.state.blockedRooms.has(roomId)).toBe(true);
  });

  it.each([
    ['both rooms and filter', { action: 'block', rooms: ['!a:mock.example'], filter: FILTER }, 'M_BAD_JSON', 'Give rooms or filter, not both'],
    ['neither', { action: 'block' }, 'M_MISSING_PARAM', "'rooms'"],
    ['an unknown filter', { action: 'block', filter: { size: 3 } }, 'M_BAD_JSON', 'Unrecognized key: "size"'],
    ['a filter of the wrong type', { action: 'block', filter: { public: 'true' } }, 'M_BAD_JSON', "'filter.public'"],
    ['a negative bound', { action: 'block', filter: { joined_members_min: -1 } }, 'M_BAD_JSON', "'filter.joined_members_min'"],
  ])('refuses %s with 400', async (_what, body, errcode, text) => {
    const { status, body: answer } = await jobs(body);
    expect(status).toBe(400);
    expect(answer.errcode).toBe(errcode);
    expect(String(answer.error)).toContain(text);
  });

  it('refuses a filter that matches no room (400)', async () => {
    const { status, body } = await jobs({ action: 'block', filter: { q: 'no room is called this' } });
    expect(status).toBe(400);
    expect(body.error).toBe('No room of the index matches this filter');
  });

  it('accepts null for a missing text field, as the listing accepts an empty value', async () => {
    const dryRun = async (filter: Record<string, unknown>) => (await jobs({ action: 'block', filter })).body as unknown as JobDryRunAnswer;
    const withoutType = await dryRun({ room_type: null, joined_members_min: 20 });
    const listedWithoutType = keysOf(await page(facade, '/_facade/v1/rooms', { room_type: '', joined_members_min: '20', order_by: 'room_id', limit: '1000' }));
    expect(withoutType.count).toBe(listedWithoutType.length);
    expect(withoutType.sample).toEqual(listedWithoutType.slice(0, 20));
    expect(withoutType.count).toBeLessThan((await dryRun({ joined_members_min: 20 })).count);
  });
});

describe('on an index that cannot answer', () => {
  it('is 503 before the first complete sweep, and 400 when more rooms match than a job takes', async () => {
    const fresh = await startTestFacade(mock.url);
    try {
      await fresh.index.stop();
      const rooms = Array.from({ length: 10_001 }, (_, index) => roomItem(`!many${index}:mock.example`, { public: true }));
      await fresh.context.store.upsertIndexed('rooms', rooms, Date.now());
      const early = await jobs({ action: 'block', filter: { public: true } }, fresh);
      expect(early.status).toBe(503);
      expect(String(early.body.error)).toMatch(/not ready/);
      await markSwept(fresh, 'rooms');
      const many = await jobs({ action: 'block', filter: { public: true } }, fresh);
      expect(many.status).toBe(400);
      expect(many.body.error).toBe('The filter matches 10001 rooms; a job takes at most 10000: narrow the filter');
      expect((await jobs({ action: 'block', filter: { public: true, q: '!many1' } }, fresh)).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });
});
