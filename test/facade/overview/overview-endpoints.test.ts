// The overview page's HTTP side (no browser): the shell at /_facade/ and /_facade/overview under a strict CSP,
// its script and stylesheet served by the facade itself, and nothing of it asking Synapse anything.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockSynapse, type MockSynapse } from '../../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../../support/facade.ts';

let mock: MockSynapse;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse();
  facade = await startTestFacade(mock.url, { synapseServerName: 'hs.example <&> "x"' });
});
afterAll(async () => {
  await facade.close();
  await mock.close();
});
beforeEach(() => mock.reset());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${facade.url}${path}`, { headers, redirect: 'manual' });

/** Every src and href of a page, as written. */
const urlsOf = (html: string) => [...html.matchAll(/\s(?:src|href)="([^"]*)"/g)].map((match) => match[1]!);

describe('the page', () => {
  it.each(['/_facade/', '/_facade/overview'])('%s is HTML under a CSP that allows only the facade’s own script, style and requests', async (path) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'none'");
    expect(csp).not.toContain('unsafe');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    expect(html).toMatch(/<form[^>]+id="password-form"/);
    expect(html).toMatch(/<form[^>]+id="token-form"/);
    // No inline script or style attribute (the CSP would refuse them), no URL off the origin (data: fetches nothing).
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
    for (const url of urlsOf(html)) {
      if (url.startsWith('data:')) continue;
      expect(new URL(url, `${facade.url}${path}`).origin).toBe(new URL(facade.url).origin);
    }
    expect(mock.requests).toEqual([]);
  });

  it('escapes the configured server name', async () => {
    const html = await (await get('/_facade/')).text();
    expect(html).toContain('hs.example &#60;&#38;&#62; &#34;x&#34;');
    expect(html).not.toContain('<&>');
  });

  it('/_facade redirects to /_facade/ with a relative Location (so it holds behind a path-preserving proxy)', async () => {
    const response = await get('/_facade');
    expect(response.status).toBe(308);
    expect(new URL(response.headers.get('location') ?? '', `${facade.url}/_facade`).pathname).toBe('/_facade/');
  });
});

describe('its files', () => {
  it('every script and stylesheet the page names is served with its type, nosniff, the CSP and an ETag that answers 304', async () => {
    const html = await (await get('/_facade/')).text();
    const assets = urlsOf(html).filter((url) => url.startsWith('overview/assets/'));
    expect(assets.some((url) => url.endsWith('.js'))).toBe(true);
    expect(assets.some((url) => url.endsWith('.css'))).toBe(true);
    for (const url of assets) {
      const response = await get(`/_facade/${url}`);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type')).toMatch(url.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      const etag = response.headers.get('etag') ?? '';
      expect(etag).toMatch(/^".+"$/);
      expect((await get(`/_facade/${url}`, { 'if-none-match': etag })).status).toBe(304);
    }
  });

  it('the script modules import only files the facade serves', async () => {
    const seen = new Set<string>();
    const visit = async (name: string): Promise<void> => {
      if (seen.has(name)) return;
      seen.add(name);
      const response = await get(`/_facade/overview/assets/${name}`);
      expect(response.status, name).toBe(200);
      const imports = [...(await response.text()).matchAll(/from '\.\/([^']+)'/g)].map((match) => match[1]!);
      for (const imported of imports) await visit(imported);
    };
    await visit('overview.js');
    expect(seen.size).toBeGreaterThan(1);
  });

  it.each(['nothing.js', '..%2Foverview-page.ts', 'overview-page.ts'])('an unknown name (%s) is a Matrix 404, never a file from disk', async (name) => {
    const response = await get(`/_facade/overview/assets/${name}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errcode: 'M_NOT_FOUND' });
    expect(mock.requests).toEqual([]);
  });
});
