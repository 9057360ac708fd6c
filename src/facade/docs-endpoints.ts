// /_facade/docs: Swagger UI served from the facade's own swagger-ui-dist package, and the plain page at /docs/plain.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { DOCS_INITIALIZER_SCRIPT, renderDocsPage, renderInteractiveDocsPage } from './docs-page.ts';
import type { OpenApiDocument } from './openapi-schema.ts';

/** One file the docs page loads, kept in memory. */
export interface DocsAsset {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  /** Strong ETag from the bytes; also the `?v=` of the page's URL for it, so an upgrade is never served stale. */
  etag: string;
}

/** The only files of swagger-ui-dist served: names are looked up here, never on the file system. */
const LIBRARY_FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** The page's own initializer, served next to the library's files. */
const INITIALIZER_NAME = 'facade-docs-init.js';

/**
 * Swagger UI needs inline styles (it sets style attributes) and data: images (its stylesheet's icons);
 * everything else comes from the facade itself, and the page may not be framed.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The assets' cache lifetime: a day, revalidated by ETag; a new version has a new URL anyway. */
const ASSET_CACHE_CONTROL = 'public, max-age=86400';

export const asset = (body: Uint8Array<ArrayBuffer>, contentType: string): DocsAsset => ({
  body,
  contentType,
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
});

let loadedAssets: ReadonlyMap<string, DocsAsset> | undefined;

/** Reads the allowlisted files once per process: the package's files do not change while it runs. */
function docsAssets(): ReadonlyMap<string, DocsAsset> {
  if (loadedAssets) return loadedAssets;
  const libraryDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const assets = new Map(Object.entries(LIBRARY_FILES).map(([name, type]) => [name, asset(readFileSync(join(libraryDir, name)), type)]));
  assets.set(INITIALIZER_NAME, asset(Buffer.from(DOCS_INITIALIZER_SCRIPT), 'text/javascript; charset=utf-8'));
  return (loadedAssets = assets);
}

/** Any other name under /docs/: a Matrix error, like every other answer of the facade's own. */
const notFound = (c: Context) => c.json({ errcode: 'M_NOT_FOUND', error: 'No such docs page or file' }, 404);

/** True when an If-None-Match header names `etag` (or `*`); weak comparison, as RFC 9110 §13.1.2 asks. */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/**
 * The /docs endpoints, to mount under /_facade: the interactive page at /docs, the plain page at /docs/plain,
 * the allowlisted assets at /docs/assets/<name>, and a Matrix 404 for anything else under /docs/.
 * Every answer carries DOCS_CONTENT_SECURITY_POLICY and nosniff. Both pages are built once, here.
 */
export function docsEndpoints(document: OpenApiDocument) {
  const assets = docsAssets();
  const assetUrl = (name: string) => `docs/assets/${name}?v=${assets.get(name)!.etag.slice(1, -1)}`;
  const interactivePage = renderInteractiveDocsPage(document, {
    stylesheet: assetUrl('swagger-ui.css'),
    icon: assetUrl('favicon-32x32.png'),
    bundle: assetUrl('swagger-ui-bundle.js'),
    initializer: assetUrl(INITIALIZER_NAME),
  });
  const plainPage = renderDocsPage(document);
  const docs = new Hono<{ Bindings: HttpBindings }>();

  docs.use('*', async (c, next) => {
    await next();
    c.res.headers.set('content-security-policy', DOCS_CONTENT_SECURITY_POLICY);
    c.res.headers.set('x-content-type-options', 'nosniff');
  });
  // The pages name the current assets' URLs, so they are revalidated on every load.
  docs.get('/', (c) => c.html(interactivePage, 200, { 'cache-control': 'no-cache' }));
  docs.get('/plain', (c) => c.html(plainPage, 200, { 'cache-control': 'no-cache' }));
  docs.get('/assets/:name', (c) => {
    const found = assets.get(c.req.param('name'));
    if (!found) return notFound(c);
    const headers = { 'content-type': found.contentType, 'cache-control': ASSET_CACHE_CONTROL, etag: found.etag };
    if (matchesEtag(c.req.header('if-none-match'), found.etag)) return c.body(null, 304, headers);
    return c.body(found.body, 200, headers);
  });
  // Also where a dot-segment request lands once the URL is normalised (/docs/assets/%2e%2e/x is /docs/x).
  // GET (and HEAD) only: other methods go on to the app's catch-all, which answers CORS preflights.
  docs.get('*', notFound);

  return docs;
}
