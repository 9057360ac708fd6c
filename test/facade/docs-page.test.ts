// /_facade/docs (issue 11 #6): Swagger UI served by the facade itself from swagger-ui-dist, under a strict CSP.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PREFIX } from '../../src/facade/openapi.ts';
import { ownedRoutes } from '../../src/routes/owned-routes.ts';
import { rawExchange } from '../support/raw-exchange.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';

const LIBRARY_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const CONTENT_TYPES: Record<string, RegExp> = { css: /^text\/css/, js: /^text\/javascript/, png: /^image\/png$/ };

let facade: TestFacade;
let pageUrl: string;
let page: Response;
let pageHtml: string;

beforeAll(async () => {
  // Nothing here talks to Synapse; the facade only needs somewhere to point.
  facade = await startTestFacade('http://127.0.0.1:9');
  pageUrl = `${facade.url}/_facade/docs`;
  page = await fetch(pageUrl);
  pageHtml = await page.text();
});
afterAll(() => facade.close());

/** Every src and href value of a page, as written. */
const referencesOf = (html: string) => [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1]!.replaceAll('&amp;', '&'));

/** The page's references to its assets, resolved against the page's URL. */
const assetUrls = () => referencesOf(pageHtml).filter((ref) => ref.startsWith('docs/assets/')).map((ref) => new URL(ref, pageUrl));

/** The CSP's sources for one directive. */
const sourcesOf = (policy: string, directive: string) =>
  policy.split(';').map((part) => part.trim().split(/\s+/)).find(([name]) => name === directive)?.slice(1) ?? [];

describe('GET /_facade/docs: the interactive page', () => {
  it('is HTML that loads only same-origin relative URLs, with no inline script, under a strict CSP', () => {
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('access-control-allow-origin')).toBe('*');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(sourcesOf(policy, 'default-src')).toEqual(["'none'"]);
    expect(sourcesOf(policy, 'script-src')).toEqual(["'self'"]);
    expect(sourcesOf(policy, 'connect-src')).toEqual(["'self'"]);
    expect(sourcesOf(policy, 'frame-ancestors')).toEqual(["'none'"]);
    const references = referencesOf(pageHtml);
    expect(references.length).toBeGreaterThan(0);
    // No scheme and no protocol-relative "//host": everything resolves against the page, behind any proxy.
    for (const ref of references) expect(ref, ref).not.toMatch(/^([a-z][a-z0-9+.-]*:|\/)/i);
    const scripts = [...pageHtml.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.map(([, attributes]) => /\bsrc="/.test(attributes!))).toEqual([true, true]);
    expect(scripts.map(([, , content]) => content!.trim())).toEqual(['', '']);
    expect(pageHtml).not.toMatch(/\son[a-z]+=/i);
  });

  it('links to the plain page for readers without JavaScript, and every link answers 200', async () => {
    expect(pageHtml).toMatch(/<noscript>[\s\S]*href="docs\/plain"[\s\S]*<\/noscript>/);
    for (const ref of referencesOf(pageHtml)) {
      const answer = await fetch(new URL(ref, pageUrl));
      expect(answer.status, ref).toBe(200);
      await answer.arrayBuffer();
    }
  });
});

describe('GET /_facade/docs/assets/<name>', () => {
  it('serves each referenced library file byte for byte, with its type, nosniff, the CSP and a day of caching', async () => {
    const names = assetUrls().map((url) => url.pathname.split('/').pop()!);
    expect(names).toEqual(expect.arrayContaining(['swagger-ui.css', 'swagger-ui-bundle.js']));
    for (const url of assetUrls()) {
      const name = url.pathname.split('/').pop()!;
      const answer = await fetch(url);
      expect(answer.status, name).toBe(200);
      expect(answer.headers.get('content-type'), name).toMatch(CONTENT_TYPES[name.split('.').pop()!]!);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('content-security-policy')).toBe(page.headers.get('content-security-policy'));
      expect(answer.headers.get('cache-control')).toBe('public, max-age=86400');
      expect(answer.headers.get('etag')).toMatch(/^"[\w-]+"$/);
      const bytes = Buffer.from(await answer.arrayBuffer());
      if (name.startsWith('facade-')) continue;
      expect(bytes.equals(readFileSync(join(LIBRARY_DIR, name))), name).toBe(true);
    }
  });

  it('answers 304 without a body to a browser that has the current version', async () => {
    const [url] = assetUrls();
    const etag = (await fetch(url!)).headers.get('etag')!;
    const revalidated = await fetch(url!, { headers: { 'if-none-match': `W/${etag}` } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe('');
    expect((await fetch(url!, { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);
  });

  it("allows the data: images Swagger UI's stylesheet uses, and nothing outside the facade", async () => {
    const css = await (await fetch(assetUrls().find((url) => url.pathname.endsWith('.css'))!)).text();
    const images = [...css.matchAll(/url\(\s*["']?([^"')]+)/g)].map((match) => match[1]!);
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect(image).toMatch(/^data:/);
    expect(sourcesOf(page.headers.get('content-security-policy') ?? '', 'img-src')).toEqual(["'self'", 'data:']);
  });

  it('answers a Matrix 404 to any name off the allowlist, however it is spelled', async () => {
    const host = new URL(facade.url).host;
    const targets = ['swagger-ui.css.map', 'index.html', 'package.json', '..%2fpackage.json', '%2e%2e/package.json', '%2e%2e/', '../package.json', ''];
    for (const target of targets) {
      const answer = await rawExchange(facade.url, `GET /_facade/docs/assets/${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(answer.status, target).toBe(404);
      expect(answer.headers['content-type'], target).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body), target).toMatchObject({ errcode: 'M_NOT_FOUND', error: expect.any(String) });
    }
  });
});

describe('the initializer script', () => {
  it('starts Swagger UI on /_facade/openapi.json, with a persisted token, try-it-out and deep links', async () => {
    const initializer = assetUrls().find((url) => url.pathname.endsWith('/facade-docs-init.js'))!;
    const script = await (await fetch(initializer)).text();
    const configs: Record<string, unknown>[] = [];
    const SwaggerUIBundle = Object.assign((config: Record<string, unknown>) => configs.push(config), { presets: { apis: 'apis' } });
    runInNewContext(script, { window: {}, document: { baseURI: pageUrl }, URL, SwaggerUIBundle });
    expect(configs).toEqual([
      expect.objectContaining({ url: `${facade.url}/_facade/openapi.json`, persistAuthorization: true, tryItOutEnabled: true, deepLinking: true, validatorUrl: null }),
    ]);
    const spec = await fetch(configs[0]!.url as string);
    expect(spec.status).toBe(200);
    expect(Object.keys(((await spec.json()) as { paths: object }).paths)).toContain(`${ADMIN_PREFIX}/v1/rooms`);
  });
});

describe('GET /_facade/docs/plain', () => {
  it('still renders every operation without scripts, and links back to the interactive page', async () => {
    const answer = await fetch(`${pageUrl}/plain`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-security-policy')).toBe(page.headers.get('content-security-policy'));
    const plain = await answer.text();
    for (const route of ownedRoutes) {
      const [method = '', path = ''] = route.name.split(' ');
      expect(plain).toContain(`${method} ${ADMIN_PREFIX}${path}`);
    }
    expect(plain).not.toMatch(/<script|<link|src=/i);
    const links = referencesOf(plain).filter((ref) => !ref.startsWith('#')).map((ref) => new URL(ref, answer.url).pathname);
    expect(links.sort()).toEqual(['/_facade/docs', '/_facade/openapi.json']);
  });
});
