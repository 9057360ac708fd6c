// The overview page at /_facade/ in a real browser (Debian's Chromium, driven by playwright-core): signing in by
// password or pasted token, the figures shown equal the API's, failing destinations, the running job and the
// audit rows appear, every text is escaped, no request leaves the facade's origin, and signing out forgets the token.
import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN } from '../../src/mock/server.ts';
import { bearer } from '../support/facade.ts';
import { CHROMIUM_REQUIRED, launchChromium } from './support/chromium.ts';
import { adminGet, startOverviewFixture, type OverviewFixture } from './support/overview-fixture.ts';

/** Where the screenshot goes (git-ignored). */
const SCREENSHOT = 'test-results/overview.png';

const launched = await launchChromium();

describe('Chromium', () => {
  // Fails, never skips, in CI: a browser test that silently does not run proves nothing.
  it.runIf(CHROMIUM_REQUIRED || launched.browser)('starts headless', () => {
    if (launched.error) throw launched.error;
  });
});

describe.runIf(launched.browser)('the overview page', () => {
  const browser = launched.browser!;
  let fixture: OverviewFixture;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    fixture = await startOverviewFixture();
  });
  afterAll(async () => {
    await fixture?.close();
    await browser.close();
  });

  /** A fresh tab (its own session storage) that records every request and every script error or CSP refusal. */
  async function openPage() {
    await context?.close();
    context = await browser.newContext();
    const page = await context.newPage();
    // Well under the test's own timeout, so a missing element fails with its selector, not a bare timeout.
    page.setDefaultTimeout(5_000);
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(message.text());
    });
    await page.goto(`${fixture.facade.url}/_facade/`);
    return { page, requests, problems };
  }

  const signInWithPassword = async (page: Page, user: string, password: string) => {
    await page.fill('#user', user);
    await page.fill('#password', password);
    await page.click('#password-form button[type=submit]');
  };
  const signInWithToken = async (page: Page, token: string) => {
    await page.fill('#token', token);
    await page.click('#token-form button[type=submit]');
  };
  const sessionToken = (page: Page) => page.evaluate(() => sessionStorage.getItem('facade-overview.token'));
  const whoamiStatus = async (token: string) =>
    (await fetch(`${fixture.facade.url}/_matrix/client/v3/account/whoami`, { headers: bearer(token) })).status;

  /** Every figure the page shows, by its data-figure name. */
  const shownFigures = (page: Page) =>
    page.$$eval('[data-figure]', (elements) => Object.fromEntries(elements.map((element) => [element.getAttribute('data-figure'), element.textContent])));

  /** The figures of GET /_facade/v1/summary, named as the page names them. */
  function summaryFigures(summary: { rooms: Record<string, unknown>; destinations: Record<string, unknown> }): Record<string, string> {
    const { by_version: byVersion, ...rooms } = summary.rooms as Record<string, number> & { by_version: Record<string, number> };
    const figures: Record<string, string> = {};
    for (const name of ['total', 'encrypted', 'public', 'spaces', 'empty']) figures[`rooms.${name}`] = String(rooms[name]);
    for (const [version, count] of Object.entries(byVersion)) figures[`rooms.by_version.${version}`] = String(count);
    for (const name of ['total', 'failing']) figures[`destinations.${name}`] = String(summary.destinations[name]);
    return figures;
  }

  it('after a password sign-in shows the API’s figures, failing destinations, the running job and the audit rows; nothing leaves the origin', async () => {
    const { page, requests, problems } = await openPage();
    await expect.poll(() => page.isVisible('#sign-in')).toBe(true);
    expect(await page.isVisible('#overview')).toBe(false);

    await signInWithPassword(page, 'admin', 'admin-password');
    await page.waitForSelector('#overview[data-state="loaded"]');

    const summary = await adminGet<{ rooms: Record<string, unknown>; destinations: Record<string, unknown> }>(fixture.facade, '/_facade/v1/summary');
    expect(Number(summary.rooms.total)).toBeGreaterThan(0);
    expect(await shownFigures(page)).toEqual(summaryFigures(summary));
    expect(await page.$$eval('#summary svg', (charts) => charts.length)).toBeGreaterThanOrEqual(3);

    const failing = await adminGet<{ destinations: Array<{ destination: string }>; total: number }>(
      fixture.facade,
      '/_facade/v1/federation/destinations?failing=true&order_by=failure_ts&limit=20',
    );
    expect(failing.destinations.length).toBeGreaterThan(0);
    expect(await page.$$eval('#failing tbody tr', (rows) => rows.map((row) => row.getAttribute('data-destination')))).toEqual(
      failing.destinations.map(({ destination }) => destination),
    );

    expect(await page.$$eval('#jobs tbody tr', (rows) => rows.map((row) => row.getAttribute('data-job-id')))).toEqual([fixture.jobId]);
    expect(await page.textContent('#jobs tbody')).toContain('running');

    const audit = await adminGet<{ entries: Array<{ id: string; action: string }> }>(fixture.facade, '/_facade/v1/audit?limit=20');
    expect(audit.entries.map(({ action }) => action)).toEqual(expect.arrayContaining(['login', 'job.create']));
    expect(await page.$$eval('#audit tbody tr', (rows) => rows.map((row) => row.getAttribute('data-audit-id')))).toEqual(audit.entries.map(({ id }) => id));

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const origin = new URL(fixture.facade.url).origin;
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(problems).toEqual([]);
    // The token the login minted lives in this tab's session storage only.
    const token = await sessionToken(page);
    expect(token).toMatch(/^syt_/);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await context!.cookies()).toEqual([]);

    // Signing out forgets the token and, since the page minted it, logs that device out at Synapse.
    await page.click('#sign-out');
    await expect.poll(() => page.isVisible('#sign-in')).toBe(true);
    expect(await page.isVisible('#overview')).toBe(false);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    expect(await page.$$eval('[data-figure]', (elements) => elements.length)).toBe(0);
    await expect.poll(() => whoamiStatus(token!)).toBe(401);
  });

  it('a pasted token signs in, survives a reload (session storage), and signing out forgets it without logging it out', async () => {
    const { page, problems } = await openPage();
    await signInWithToken(page, DEFAULT_ADMIN_TOKEN);
    await page.waitForSelector('#overview[data-state="loaded"]');
    expect(await page.textContent('#signed-in-as')).toContain('@admin:mock.example');
    expect(await sessionToken(page)).toBe(DEFAULT_ADMIN_TOKEN);

    await page.reload();
    await page.waitForSelector('#overview[data-state="loaded"]');
    expect(await page.isVisible('#sign-in')).toBe(false);

    await page.click('#sign-out');
    await expect.poll(() => page.isVisible('#sign-in')).toBe(true);
    expect(await sessionToken(page)).toBeNull();
    // The token belongs to whoever pasted it: still valid.
    expect(await whoamiStatus(DEFAULT_ADMIN_TOKEN)).toBe(200);
    expect(problems).toEqual([]);
  });

  it('refuses a wrong password and a token that is not a server admin’s, keeping nothing', async () => {
    const { page } = await openPage();
    await signInWithPassword(page, 'admin', 'not-the-password');
    await expect.poll(() => page.textContent('#status')).toMatch(/Invalid username or password/);
    expect(await sessionToken(page)).toBeNull();

    await signInWithToken(page, DEFAULT_USER_TOKEN);
    await expect.poll(() => page.textContent('#status')).toMatch(/not a server admin/i);
    expect(await sessionToken(page)).toBeNull();
    expect(await page.isVisible('#overview')).toBe(false);
    expect(await page.isVisible('#sign-in')).toBe(true);
  });

  it('shows data as text, never as markup', async () => {
    const hostile = '<img src="x" onerror="window.pwned=1"><b>bold</b>';
    await fixture.facade.context.store.appendAudit({
      at: Date.now(), kind: 'owned', action: hostile, method: 'POST', path: '/x', roomId: hostile, admin: hostile,
      status: 200, durationMs: 1, requestId: null, details: {},
    });
    const { page } = await openPage();
    await signInWithToken(page, DEFAULT_ADMIN_TOKEN);
    await page.waitForSelector('#overview[data-state="loaded"]');
    expect(await page.textContent('#audit tbody tr:first-child')).toContain(hostile);
    expect(await page.$$eval('#overview img, #overview b', (elements) => elements.length)).toBe(0);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
  });

  it('says "not available" for a part the facade does not serve (404), and still shows the rest', async () => {
    const { page } = await openPage();
    await page.route('**/_facade/v1/federation/destinations?*', (route) =>
      route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }) }),
    );
    await signInWithToken(page, DEFAULT_ADMIN_TOKEN);
    await page.waitForSelector('#overview[data-state="loaded"]');
    expect(await page.textContent('#failing')).toMatch(/not available/i);
    expect(await page.$$eval('#audit tbody tr', (rows) => rows.length)).toBeGreaterThan(0);
  });

  it('a token revoked while signed in ends the session at the next refresh', async () => {
    const { page } = await openPage();
    await signInWithPassword(page, 'admin', 'admin-password');
    await page.waitForSelector('#overview[data-state="loaded"]');
    const token = (await sessionToken(page))!;
    await fetch(`${fixture.facade.url}/_matrix/client/v3/logout`, { method: 'POST', headers: bearer(token) });
    await page.click('#refresh');
    await expect.poll(() => page.isVisible('#sign-in')).toBe(true);
    expect(await sessionToken(page)).toBeNull();
    expect(await page.textContent('#status')).toMatch(/signed out/i);
  });
});
