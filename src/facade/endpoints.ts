// The facade's own endpoints under /_facade/ (never a Synapse path): health, readiness, OpenAPI document, docs.
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { FacadeContext } from '../pipeline/context.ts';
import { CORS_HEADERS } from '../pipeline/respond.ts';
import { ownedRoutes } from '../routes/owned-routes.ts';
import { renderDocsPage } from './docs-page.ts';
import { buildOpenApiDocument } from './openapi.ts';

/** How long readiness waits for Synapse's /health, milliseconds. */
export const READY_TIMEOUT_MS = 2_000;

/**
 * Mounts /_facade/health (the process is alive), /_facade/ready (Synapse answers its /health),
 * /_facade/metrics (Prometheus text format),
 * /_facade/openapi.json (the owned routes' OpenAPI 3.1 document) and /_facade/docs (that document as HTML).
 * The document and the page are built once, here, at start-up; neither needs a token.
 */
export function facadeEndpoints(context: FacadeContext) {
  const openApiDocument = buildOpenApiDocument(ownedRoutes);
  const openApiJson = JSON.stringify(openApiDocument);
  const docsPage = renderDocsPage(openApiDocument);
  const endpoints = new Hono<{ Bindings: HttpBindings }>();
  endpoints.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(CORS_HEADERS)) c.res.headers.set(name, value);
  });

  endpoints.get('/health', (c) => c.json({ status: 'ok' }));
  endpoints.get('/metrics', async (c) =>
    c.body(await context.metrics.registry.metrics(), 200, { 'content-type': context.metrics.registry.contentType }),
  );
  endpoints.get('/openapi.json', (c) => c.body(openApiJson, 200, { 'content-type': 'application/json' }));
  endpoints.get('/docs', (c) => c.html(docsPage));

  endpoints.get('/ready', async (c) => {
    const startedAt = Date.now();
    try {
      const response = await context.upstream.request({
        method: 'GET',
        path: '/health',
        headers: {},
        signal: AbortSignal.timeout(READY_TIMEOUT_MS),
        headersTimeoutMs: READY_TIMEOUT_MS,
        label: 'ready',
      });
      const body = (await context.upstream.readBody(response)).toString('utf8').trim();
      if (response.statusCode === 200) return c.json({ status: 'ready', synapse: body, latency_ms: Date.now() - startedAt });
      return c.json({ status: 'not ready', reason: `Synapse /health answered ${response.statusCode}` }, 503);
    } catch (error) {
      return c.json({ status: 'not ready', reason: (error as Error).message }, 503);
    }
  });

  return endpoints;
}
