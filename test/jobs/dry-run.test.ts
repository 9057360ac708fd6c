// POST /_facade/v1/jobs is a dry run unless told otherwise: the plan and its token, nothing sent to Synapse
// and nothing stored. Bad input and callers who are not admins are refused before anything is created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_USER_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { api } from './support/jobs-client.ts';

let mock: MockSynapse;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse();
  facade = await startTestFacade(mock.url);
});
afterAll(async () => {
  await facade.close();
  await mock.close();
});

const rooms = (count: number) => Array.from({ length: count }, (_, index) => `!dry${index}:mock.example`);

/** Requests to Synapse other than the admin gate's whoami and admin-flag lookups. */
const roomRequests = () => mock.requests.filter((seen) => seen.url.includes('/rooms'));

async function nothingStored() {
  expect(await facade.context.store.listJobs({ limit: 10 })).toEqual([]);
  expect((await facade.context.store.listAudit({ limit: 50 })).filter((row) => row.kind === 'job')).toEqual([]);
}

describe('a dry run', () => {
  it('is the default: it answers the plan, drops repeated rooms in order, and sends and stores nothing', async () => {
    const list = [...rooms(25), '!dry3:mock.example', '!dry0:mock.example'];
    const { status, body } = await api(facade.url, 'POST', '/_facade/v1/jobs', { body: { action: 'delete', rooms: list } });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      dry_run: true,
      action: 'delete',
      options: { block: false, purge: true, force_purge: false },
      count: 25,
      sample: rooms(20),
      duplicates_removed: 2,
      concurrency: 1,
      pace_ms: 1_000,
      confirm: expect.any(String),
    });
    const expiresIn = Date.parse(body.expires_at as string) - Date.now();
    expect(expiresIn).toBeGreaterThan(9 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(10 * 60_000);
    expect(roomRequests()).toEqual([]);
    await nothingStored();
  });

  it('refuses a new_room_user_id of another server, as Synapse would for every room', async () => {
    const { status, body } = await api(facade.url, 'POST', '/_facade/v1/jobs', {
      body: { action: 'delete', rooms: rooms(1), options: { new_room_user_id: '@someone:elsewhere.example' } },
    });
    expect(status).toBe(400);
    expect(body).toEqual({ errcode: 'M_UNKNOWN', error: 'User must be our own: @someone:elsewhere.example' });
  });
});

describe('refused requests', () => {
  const refusals: [string, unknown, string][] = [
    ['an invalid room ID', { action: 'block', rooms: ['not-a-room'] }, 'not-a-room is not a legal room ID'],
    ['an empty room list', { action: 'block', rooms: [] }, "'rooms'"],
    ['more than 10000 rooms', { action: 'block', rooms: rooms(10_001) }, "'rooms'"],
    ['an unknown action', { action: 'purge', rooms: rooms(1) }, 'action must be one of block, unblock, delete'],
    ['an option for block', { action: 'block', rooms: rooms(1), options: { purge: true } }, 'Unrecognized key: "purge"'],
    ['an unknown delete option', { action: 'delete', rooms: rooms(1), options: { purje: true } }, 'Unrecognized key: "purje"'],
    ['a delete option of the wrong type', { action: 'delete', rooms: rooms(1), options: { block: 'yes' } }, "Param 'block' must be a boolean"],
    ['concurrency 5', { action: 'block', rooms: rooms(1), concurrency: 5 }, "'concurrency'"],
    ['a negative pace', { action: 'block', rooms: rooms(1), pace_ms: -1 }, "'pace_ms'"],
    ['an unknown field', { action: 'block', rooms: rooms(1), dryrun: false }, 'Unrecognized key: "dryrun"'],
  ];
  it.each(refusals)('%s: 400, nothing sent or created', async (_name, body, says) => {
    const answer = await api(facade.url, 'POST', '/_facade/v1/jobs', { body });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toContain(says);
    expect(roomRequests()).toEqual([]);
    await nothingStored();
  });

  it('a body that is not JSON: 400 M_NOT_JSON', async () => {
    expect(await api(facade.url, 'POST', '/_facade/v1/jobs', { body: '{"action":' })).toMatchObject({ status: 400, body: { errcode: 'M_NOT_JSON' } });
  });

  it('a user who is not an admin: 403, and no token: 401, on every job endpoint', async () => {
    const body = { action: 'block', rooms: rooms(1) };
    expect(await api(facade.url, 'POST', '/_facade/v1/jobs', { body, token: DEFAULT_USER_TOKEN })).toMatchObject({ status: 403, body: { errcode: 'M_FORBIDDEN' } });
    expect(await api(facade.url, 'POST', '/_facade/v1/jobs', { body, token: null })).toMatchObject({ status: 401, body: { errcode: 'M_MISSING_TOKEN' } });
    expect((await api(facade.url, 'GET', '/_facade/v1/jobs', { token: DEFAULT_USER_TOKEN })).status).toBe(403);
    expect((await api(facade.url, 'GET', '/_facade/v1/jobs/any', { token: DEFAULT_USER_TOKEN })).status).toBe(403);
    expect((await api(facade.url, 'POST', '/_facade/v1/jobs/any/cancel', { token: DEFAULT_USER_TOKEN })).status).toBe(403);
    expect((await api(facade.url, 'POST', '/_facade/v1/jobs/any/resume', { token: DEFAULT_USER_TOKEN })).status).toBe(403);
    await nothingStored();
  });
});
