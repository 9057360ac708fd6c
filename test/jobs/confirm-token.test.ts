// The confirm token binds a run to its dry run: the exact room list, action, options, concurrency and pace,
// for 10 minutes, and only tokens this facade issued.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FacadeError } from '../../src/errors.ts';
import { checkConfirmToken, CONFIRM_TTL_MS, issueConfirmToken, type ConfirmedRequest } from '../../src/jobs/confirm-token.ts';
import { startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { api } from './support/jobs-client.ts';

const key = randomBytes(32);
const request: ConfirmedRequest = {
  action: 'delete',
  options: { block: true, purge: true, force_purge: false },
  rooms: ['!a:hs', '!b:hs', '!c:hs'],
  concurrency: 2,
  paceMs: 500,
};
const NOW = 1_750_000_000_000;

/** The FacadeError a check throws (status, errcode), or 'ok'. */
function verdict(token: string | undefined, checked: ConfirmedRequest = request, now = NOW + 1_000) {
  try {
    checkConfirmToken(key, token, checked, { now });
    return 'ok';
  } catch (error) {
    if (!(error instanceof FacadeError)) throw error;
    return `${error.status} ${error.errcode}`;
  }
}

describe('checkConfirmToken', () => {
  const { confirm, expiresAt } = issueConfirmToken(key, request, { now: NOW });

  it('accepts the token for the very request it was issued for, the options in any key order', () => {
    expect(expiresAt).toBe(NOW + CONFIRM_TTL_MS);
    expect(verdict(confirm)).toBe('ok');
    expect(verdict(confirm, { ...request, options: { force_purge: false, purge: true, block: true } })).toBe('ok');
  });

  it('refuses a changed room list, action, options, concurrency or pace with 409', () => {
    const changed: ConfirmedRequest[] = [
      { ...request, rooms: ['!a:hs', '!b:hs'] },
      { ...request, rooms: ['!a:hs', '!b:hs', '!c:hs', '!d:hs'] },
      { ...request, rooms: ['!b:hs', '!a:hs', '!c:hs'] },
      { ...request, action: 'block', options: {} },
      { ...request, options: { ...request.options, purge: false } },
      { ...request, options: { ...request.options, message: 'bye' } },
      { ...request, concurrency: 3 },
      { ...request, paceMs: 0 },
    ];
    for (const other of changed) expect(verdict(confirm, other), JSON.stringify(other)).toBe('409 M_UNKNOWN');
  });

  it('refuses an expired token with 400, from the first millisecond after its 10 minutes', () => {
    expect(verdict(confirm, request, expiresAt - 1)).toBe('ok');
    expect(verdict(confirm, request, expiresAt)).toBe('400 M_INVALID_PARAM');
  });

  it('refuses a forged or damaged token with 400, and a missing one with M_MISSING_PARAM', () => {
    const [expiry, digest, mac] = confirm.split('.') as [string, string, string];
    const flipped = (text: string) => `${text.slice(0, -2)}${text.at(-2) === 'A' ? 'B' : 'A'}${text.at(-1)}`;
    const forged = [
      `${Number(expiry) + CONFIRM_TTL_MS}.${digest}.${mac}`, // a longer life
      `${expiry}.${digest}.${flipped(mac)}`,
      `${expiry}.${flipped(digest)}.${mac}`,
      issueConfirmToken(randomBytes(32), request, { now: NOW }).confirm, // another facade's key
      'not-a-token',
      `${confirm}.`,
    ];
    for (const token of forged) expect(verdict(token), token).toBe('400 M_INVALID_PARAM');
    expect(verdict(undefined)).toBe('400 M_MISSING_PARAM');
    expect(verdict('')).toBe('400 M_MISSING_PARAM');
  });
});

describe('POST /_facade/v1/jobs with a confirm token', () => {
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

  const body = { action: 'block', rooms: ['!one:mock.example', '!two:mock.example'], pace_ms: 0 };

  async function nothingCreated() {
    expect(await facade.context.store.listJobs({ limit: 10 })).toEqual([]);
    expect(mock.requests.filter((seen) => seen.method === 'PUT')).toEqual([]);
  }

  it('refuses a run of a changed room list with 409, telling to run a new dry run, and creates nothing', async () => {
    const plan = await api<{ confirm: string }>(facade.url, 'POST', '/_facade/v1/jobs', { body });
    const changed = await api(facade.url, 'POST', '/_facade/v1/jobs', {
      body: { ...body, rooms: [...body.rooms, '!three:mock.example'], dry_run: false, confirm: plan.body.confirm },
    });
    expect(changed).toMatchObject({ status: 409, body: { errcode: 'M_UNKNOWN', error: expect.stringMatching(/new dry run/) } });
    const otherAction = await api(facade.url, 'POST', '/_facade/v1/jobs', { body: { ...body, action: 'unblock', dry_run: false, confirm: plan.body.confirm } });
    expect(otherAction.status).toBe(409);
    await nothingCreated();
  });

  it('refuses a run without a token or with a forged one with 400, and creates nothing', async () => {
    const missing = await api(facade.url, 'POST', '/_facade/v1/jobs', { body: { ...body, dry_run: false } });
    expect(missing).toMatchObject({ status: 400, body: { errcode: 'M_MISSING_PARAM', error: expect.stringMatching(/dry run/) } });
    const forged = await api(facade.url, 'POST', '/_facade/v1/jobs', { body: { ...body, dry_run: false, confirm: `${Date.now() + 60_000}.${'A'.repeat(43)}.${'B'.repeat(43)}` } });
    expect(forged).toMatchObject({ status: 400, body: { errcode: 'M_INVALID_PARAM', error: expect.stringMatching(/new dry run/) } });
    await nothingCreated();
  });

  it('starts one job per token: the same confirmed request sent twice gets 409 naming the job', async () => {
    const plan = await api<{ confirm: string }>(facade.url, 'POST', '/_facade/v1/jobs', { body });
    const run = { ...body, dry_run: false, confirm: plan.body.confirm };
    const first = await api<{ job_id: string }>(facade.url, 'POST', '/_facade/v1/jobs', { body: run });
    expect(first.status).toBe(202);
    const again = await api(facade.url, 'POST', '/_facade/v1/jobs', { body: run });
    expect(again).toMatchObject({ status: 409, body: { errcode: 'M_UNKNOWN', job_id: first.body.job_id } });
    expect(await facade.context.store.listJobs({ limit: 10 })).toHaveLength(1);
  });
});
