// The Hono application: CORS preflights, owned routes matched on the raw path, pass-through for the rest.
import type { HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { Hono } from 'hono';
import { FacadeError, facadeErrors } from './errors.ts';
import { originFormTarget, parseSynapseQuery, splitTarget } from './internal/query.ts';
import { findAccessToken } from './pipeline/auth.ts';
import { SAFE_METHODS } from './protection/write-effects.ts';
import type { FacadeContext } from './pipeline/context.ts';
import type { OwnedRoute } from './pipeline/owned-route.ts';
import { CORS_HEADERS, sendError } from './pipeline/respond.ts';
import { runOwnedRoute } from './pipeline/run-owned-route.ts';
import { passThrough } from './proxy/pass-through.ts';
import { answerWellKnown, WELL_KNOWN_CLIENT_PATH } from './routes/well-known.ts';
import { facadeEndpoints } from './facade/endpoints.ts';
import type { FacadeServices } from './facade/v1/apis.ts';
import { noteCut, recordOf, startRequestRecord } from './observability/request-log.ts';

/** Statuses of the facade's own input refusals: bad parameters, an unknown dot-only ID, sizes Synapse cannot take. */
const REFUSAL_STATUSES = new Set([400, 404, 413, 414, 431]);

/** Finds the owned route for a method and raw path, first match in Synapse's registration order. */
function findRoute(routes: readonly OwnedRoute[], method: string, rawPath: string) {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(rawPath);
    if (match) return { route, match };
  }
  return undefined;
}

/**
 * Builds the facade. Owned routes are matched against the raw, still percent-encoded path, as Synapse
 * matches them, so no decoding or URL normalisation can make a request reach another route.
 */
export function createApp(context: FacadeContext, routes: readonly OwnedRoute[], services: FacadeServices) {
  const app = new Hono<{ Bindings: HttpBindings }>();
  app.use('*', async (c, next) => {
    const record = startRequestRecord(c.env.incoming, c.env.outgoing, context);
    await next();
    // The facade's own endpoints are labelled by their Hono route; the catch-all sets its own label.
    if (record.route === 'unmatched') record.route = `${c.req.method} ${c.req.routePath}`;
  });
  app.route('/_facade', facadeEndpoints(context, services));

  app.all('*', async (c) => {
    const { incoming, outgoing } = c.env;
    const method = incoming.method ?? 'GET';
    // Synapse answers every OPTIONS itself with 204 and the CORS headers, without auth.
    if (method === 'OPTIONS') {
      const record = recordOf(incoming);
      if (record) record.route = 'OPTIONS *';
      outgoing.writeHead(204, { ...CORS_HEADERS, 'content-length': '0' });
      outgoing.end();
      return RESPONSE_ALREADY_SENT;
    }
    incoming.url = originFormTarget(incoming.url ?? '/');
    const { rawPath, rawQuery } = splitTarget(incoming.url);
    // Synapse serves HEAD as GET; so does the facade (Node sends no body for HEAD).
    const found = findRoute(routes, method === 'HEAD' ? 'GET' : method, rawPath);
    const record = recordOf(incoming);
    // Every write (owned or passed through) drops the cached reads it can change before its answer is sent.
    const tokenOf = () => findAccessToken(incoming, parseSynapseQuery(rawQuery));
    const write = SAFE_METHODS.has(method) ? undefined : context.freshness.begin(rawPath, tokenOf());
    try {
      if (found) {
        if (record) record.route = found.route.name;
        await runOwnedRoute(context, found.route, found.match, incoming, outgoing, write);
      } else if (rawPath === WELL_KNOWN_CLIENT_PATH && method === 'GET') {
        if (record) record.route = `GET ${WELL_KNOWN_CLIENT_PATH}`;
        await answerWellKnown(context, outgoing);
      } else {
        if (record) record.route = 'pass-through';
        await passThrough(context, incoming, outgoing, { write, tokenOf });
      }
    } finally {
      await write?.end();
    }
    return RESPONSE_ALREADY_SENT;
  });

  app.onError((error, c) => {
    const { outgoing } = c.env;
    // An AbortError is the client leaving (mid-upload or while Synapse answers): nothing to answer or log
    // beyond its request line, which says `aborted: true`.
    const isAbort = (error as { name?: string }).name === 'AbortError';
    if (!isAbort && !(error instanceof FacadeError)) {
      context.logger.error({ err: error }, 'unexpected error');
    }
    if (outgoing.headersSent || outgoing.destroyed) {
      if (!outgoing.writableFinished && !outgoing.destroyed) {
        // The facade cuts this answer itself: its log line says `cut`, not that the client left.
        if (!isAbort) noteCut(c.env.incoming);
        outgoing.destroy();
      }
      return RESPONSE_ALREADY_SENT;
    }
    const route = recordOf(c.env.incoming)?.route ?? 'unmatched';
    // The facade refusing input itself (Synapse's own 4xx are passed through, not thrown); 401s are not input.
    if (error instanceof FacadeError && REFUSAL_STATUSES.has(error.status)) {
      context.metrics.validationRejections.inc({ route });
    }
    if (!isAbort) sendError(outgoing, error instanceof FacadeError ? error : facadeErrors.internal());
    return RESPONSE_ALREADY_SENT;
  });

  return app;
}
