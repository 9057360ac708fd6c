// Every request on a Synapse path (all but /_facade/…): CORS preflights, owned routes matched on the raw path,
// pass-through for the rest. Served straight from Node's request and response: no Request object, no router,
// since a cache hit or a passed-through request must cost little more than Node's own floor.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FacadeError, facadeErrors } from './errors.ts';
import { parseSynapseQuery, splitTarget } from './internal/query.ts';
import { findAccessToken } from './pipeline/auth.ts';
import { SAFE_METHODS } from './protection/write-effects.ts';
import type { FacadeContext } from './pipeline/context.ts';
import type { OwnedRoute } from './pipeline/owned-route.ts';
import { CORS_HEADERS, sendError } from './pipeline/respond.ts';
import { runOwnedRoute } from './pipeline/run-owned-route.ts';
import { passThrough } from './proxy/pass-through.ts';
import { answerWellKnown, WELL_KNOWN_CLIENT_PATH } from './routes/well-known.ts';
import { noteCut, startRequestRecord, type RequestRecord } from './observability/request-log.ts';

/** Statuses of the facade's own input refusals: bad parameters, an unknown dot-only ID, sizes Synapse cannot take. */
const REFUSAL_STATUSES = new Set([400, 404, 413, 414, 431]);

const PREFLIGHT_HEADERS = { ...CORS_HEADERS, 'content-length': '0' };

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
 * What a thrown error becomes: a FacadeError its Matrix answer, anything else a logged 500; an answer already
 * under way is cut; a client that left (AbortError) gets nothing.
 */
export function answerThrown(context: FacadeContext, incoming: IncomingMessage, outgoing: ServerResponse, route: string, error: unknown): void {
  // An AbortError is the client leaving (mid-upload or while Synapse answers): nothing to answer or log
  // beyond its request line, which says `aborted: true`.
  const isAbort = (error as { name?: string } | null)?.name === 'AbortError';
  if (!isAbort && !(error instanceof FacadeError)) context.logger.error({ err: error }, 'unexpected error');
  if (outgoing.headersSent || outgoing.destroyed) {
    if (!outgoing.writableFinished && !outgoing.destroyed) {
      // The facade cuts this answer itself: its log line says `cut`, not that the client left.
      if (!isAbort) noteCut(incoming);
      outgoing.destroy();
    }
    return;
  }
  // The facade refusing input itself (Synapse's own 4xx are passed through, not thrown); 401s are not input.
  if (error instanceof FacadeError && REFUSAL_STATUSES.has(error.status)) context.metrics.validationRejections.inc({ route });
  if (!isAbort) sendError(outgoing, error instanceof FacadeError ? error : facadeErrors.internal());
}

/**
 * The listener for Synapse paths. `target` is the request target in origin form. Owned routes are matched
 * against the raw, still percent-encoded path, as Synapse matches them, so no decoding or URL normalisation can
 * make a request reach another route.
 */
export function synapseListener(context: FacadeContext, routes: readonly OwnedRoute[]) {
  return async (incoming: IncomingMessage, outgoing: ServerResponse, target: string): Promise<void> => {
    const record = startRequestRecord(incoming, outgoing, context);
    try {
      await answer(context, routes, incoming, outgoing, target, record);
    } catch (error) {
      answerThrown(context, incoming, outgoing, record.route, error);
    }
  };
}

async function answer(
  context: FacadeContext,
  routes: readonly OwnedRoute[],
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  target: string,
  record: RequestRecord,
): Promise<void> {
  const method = incoming.method ?? 'GET';
  // Synapse answers every OPTIONS itself with 204 and the CORS headers, without auth.
  if (method === 'OPTIONS') {
    record.route = 'OPTIONS *';
    outgoing.writeHead(204, PREFLIGHT_HEADERS);
    outgoing.end();
    return;
  }
  incoming.url = target;
  const { rawPath, rawQuery } = splitTarget(target);
  // Synapse serves HEAD as GET; so does the facade (Node sends no body for HEAD).
  const found = findRoute(routes, method === 'HEAD' ? 'GET' : method, rawPath);
  // Every write (owned or passed through) drops the cached reads it can change before its answer is sent.
  const tokenOf = () => findAccessToken(incoming, parseSynapseQuery(rawQuery));
  const write = SAFE_METHODS.has(method) ? undefined : context.freshness.begin(rawPath, tokenOf());
  try {
    if (found) {
      record.route = found.route.name;
      await runOwnedRoute(context, found.route, found.match, incoming, outgoing, write);
    } else if (rawPath === WELL_KNOWN_CLIENT_PATH && method === 'GET') {
      record.route = `GET ${WELL_KNOWN_CLIENT_PATH}`;
      await answerWellKnown(context, outgoing);
    } else {
      record.route = 'pass-through';
      await passThrough(context, incoming, outgoing, { write, tokenOf });
    }
  } finally {
    await write?.end();
  }
}
