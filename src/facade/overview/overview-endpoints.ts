// The overview page at /_facade/ (and /_facade/overview): a server-rendered shell, its script and stylesheet.
import { readFileSync } from 'node:fs';
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { asset, matchesEtag, type DocsAsset } from '../docs-endpoints.ts';
import { renderOverviewPage } from './overview-page.ts';

/** The only files served under /overview/assets/: names are looked up here, never on the file system. */
const ASSET_FILES: Readonly<Record<string, string>> = {
  'overview.js': 'text/javascript; charset=utf-8',
  'overview-sections.js': 'text/javascript; charset=utf-8',
  'overview-render.js': 'text/javascript; charset=utf-8',
  'overview.css': 'text/css; charset=utf-8',
};

/**
 * Nothing but the facade's own script, stylesheet and API calls: no inline script or style, no other origin
 * (connect-src 'self' also keeps a token from being sent anywhere else), no framing, and no form submission
 * (the page's forms are handled by its script; without it a form must not send a password in a URL).
 */
export const OVERVIEW_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // The page's favicon is an empty data: URL, so the browser does not ask Synapse for /favicon.ico.
  "img-src data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

let loadedAssets: ReadonlyMap<string, DocsAsset> | undefined;

/** Reads the allowlisted files next to this module once per process. */
function overviewAssets(): ReadonlyMap<string, DocsAsset> {
  loadedAssets ??= new Map(
    Object.entries(ASSET_FILES).map(([name, type]) => [name, asset(readFileSync(new URL(`assets/${name}`, import.meta.url)), type)]),
  );
  return loadedAssets;
}

/** On every answer of these endpoints (set per route: a middleware here would run for all of /_facade). */
const SECURITY_HEADERS = {
  'content-security-policy': OVERVIEW_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

const notFound = (c: Context) => c.json({ errcode: 'M_NOT_FOUND', error: 'No such overview file' }, 404, SECURITY_HEADERS);

/**
 * The overview endpoints, to mount at the root of /_facade: the page at /_facade/ and /_facade/overview (the
 * same shell; its relative URLs resolve alike from both), a redirect from /_facade, and the allowlisted files at
 * /overview/assets/<name>, revalidated by ETag on every load (no-cache). Every answer carries
 * OVERVIEW_CONTENT_SECURITY_POLICY, nosniff and no-referrer. The page holds no data and needs no token: the
 * script signs in and reads the admin-only /_facade/v1 APIs.
 */
export function overviewEndpoints({ serverName }: { serverName?: string | undefined } = {}) {
  const assets = overviewAssets();
  const page = renderOverviewPage({ serverName });
  const overview = new Hono<{ Bindings: HttpBindings }>();

  // Relative, so the redirect holds behind a proxy that mounts the facade under a prefix.
  overview.get('/', (c) => c.body(null, 308, { ...SECURITY_HEADERS, location: '_facade/' }));
  // Hono drops a mount's trailing slash: the empty alternative is /_facade/ itself.
  overview.get('/:page{(?:overview)?}', (c) => c.html(page, 200, { ...SECURITY_HEADERS, 'cache-control': 'no-cache' }));
  overview.get('/overview/assets/:name', (c) => {
    const found = assets.get(c.req.param('name'));
    if (!found) return notFound(c);
    const headers = { ...SECURITY_HEADERS, 'content-type': found.contentType, 'cache-control': 'no-cache', etag: found.etag };
    if (matchesEtag(c.req.header('if-none-match'), found.etag)) return c.body(null, 304, headers);
    return c.body(found.body, 200, headers);
  });
  overview.get('/overview/*', notFound);

  return overview;
}
