// The facade's own endpoints under /_facade/ (never a Synapse path): health, readiness, metrics, OpenAPI document, docs.
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context, type Next } from 'hono';
import { facadeErrors } from '../errors.ts';
import type { FacadeContext } from '../pipeline/context.ts';
import { CORS_HEADERS } from '../pipeline/respond.ts';
import { scraperTokenCheck } from '../protection/scraper-token.ts';
import { ownedRoutes } from '../routes/owned-routes.ts';
import { docsEndpoints } from './docs-endpoints.ts';
import { overviewEndpoints } from './overview/overview-endpoints.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { facadeApis, type FacadeServices } from './v1/apis.ts';
import { facadeApiRouter } from './v1/router.ts';

/** How long readiness waits for Synapse's /health, milliseconds. */
export const READY_TIMEOUT_MS = 2_000;

/** Endpoints for scrapers and orchestrators, not web pages: no CORS headers, and METRICS_TOKEN when set. */
const SCRAPER_PATHS = new Set(['/metrics', '/ready']);

/** What one readiness check found. */
interface Readiness {
  status: 200 | 503;
  body: Record<string, unknown>;
}

/** Asks Synapse's /health once, within READY_TIMEOUT_MS. */
async function checkSynapse(context: FacadeContext): Promise<Readiness> {
  const startedAt = Date.now();
  try {
    const response = await context.upstream.read({
      method: 'GET',
      path: '/health',
      headers: {},
      signal: AbortSignal.timeout(READY_TIMEOUT_MS),
      headersTimeoutMs: READY_TIMEOUT_MS,
      label: 'ready',
    });
    const body = response.body.toString('utf8').trim();
    if (response.statusCode === 200) return { status: 200, body: { status: 'ready', synapse: body, latency_ms: Date.now() - startedAt } };
    return { status: 503, body: { status: 'not ready', reason: `Synapse /health answered ${response.statusCode}` } };
  } catch (error) {
    // The check's bound (the signal) and Synapse's headers timeout are the same time: either way Synapse was too slow.
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return { status: 503, body: { status: 'not ready', reason: timedOut ? facadeErrors.upstreamTimeout().message : (error as Error).message } };
  }
}

/**
 * Mounts /_facade/health (the process is alive), /_facade/ready (Synapse answers its /health),
 * /_facade/metrics (Prometheus text format),
 * /_facade/openapi.json (the owned routes' OpenAPI 3.1 document) and /_facade/docs (Swagger UI over that document;
 * the plain HTML page at /_facade/docs/plain) and the overview page at /_facade/. The document and the pages are
 * built once, here, at start-up.
 * Only metrics and ready may need a token (METRICS_TOKEN); each ready call joins the Synapse check in flight,
 * if any, so there is at most one.
 */
export function facadeEndpoints(context: FacadeContext, services: FacadeServices) {
  const apis = facadeApis(context, services);
  const openApiDocument = buildOpenApiDocument(ownedRoutes, { serverName: context.config.synapseServerName, facadeApis: apis });
  const openApiJson = JSON.stringify(openApiDocument);
  const checkScraperToken = scraperTokenCheck(context.config.metricsToken);
  let readinessInFlight: Promise<Readiness> | undefined;
  const endpoints = new Hono<{ Bindings: HttpBindings }>();

  endpoints.use('*', async (c: Context<{ Bindings: HttpBindings }>, next: Next) => {
    if (!SCRAPER_PATHS.has(c.req.path.slice('/_facade'.length))) {
      await next();
      for (const [name, value] of Object.entries(CORS_HEADERS)) c.res.headers.set(name, value);
      return;
    }
    // Synapse's own texts for the two refusals (synapse/api/errors.py MissingClientTokenError, InvalidClientTokenError).
    const verdict = checkScraperToken(c.env.incoming.headers);
    if (verdict === 'missing') return c.json({ errcode: 'M_MISSING_TOKEN', error: 'Missing access token' }, 401);
    if (verdict === 'wrong') return c.json({ errcode: 'M_UNKNOWN_TOKEN', error: 'Unrecognised access token' }, 401);
    await next();
  });

  endpoints.route('/v1', facadeApiRouter(context, apis));
  endpoints.get('/health', (c) => c.json({ status: 'ok' }));
  endpoints.get('/metrics', async (c) => c.body(await context.metrics.scrape(), 200, { 'content-type': context.metrics.registry.contentType }));
  endpoints.get('/openapi.json', (c) => c.body(openApiJson, 200, { 'content-type': 'application/json' }));
  endpoints.route('/docs', docsEndpoints(openApiDocument));
  endpoints.route('/', overviewEndpoints({ serverName: context.config.synapseServerName }));
  endpoints.get('/ready', async (c) => {
    readinessInFlight ??= checkSynapse(context).finally(() => (readinessInFlight = undefined));
    const { status, body } = await readinessInFlight;
    return c.json(body, status);
  });

  return endpoints;
}
