// The pipeline every owned route goes through: authenticate, validate, forward, normalise, answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { FacadeError } from '../errors.ts';
import { decodePathSegment } from '../internal/path.ts';
import { parseSynapseQuery, splitTarget } from '../internal/query.ts';
import { clientResponseHeaders, upstreamRequestHeaders } from '../upstream/headers.ts';
import { requireAccessToken } from './auth.ts';
import type { FacadeContext } from './context.ts';
import type { OwnedRoute, ValidatedRequest } from './owned-route.ts';
import { sendBytes } from './respond.ts';
import { upstreamTarget } from './upstream-target.ts';

/** Decoded named groups of a route match. */
function decodeGroups(match: RegExpExecArray): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, raw] of Object.entries(match.groups ?? {})) params[name] = decodePathSegment(raw ?? '');
  return params;
}

/** An AbortSignal that fires when the client goes away before its answer is complete. */
function clientGoneSignal(outgoing: ServerResponse): AbortSignal {
  const controller = new AbortController();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) controller.abort();
  });
  return controller.signal;
}

/** Handles one request to an owned route; errors it throws are FacadeErrors for app.onError. */
export async function runOwnedRoute(
  context: FacadeContext,
  route: OwnedRoute,
  match: RegExpExecArray,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const { rawQuery } = splitTarget(incoming.url ?? '/');
  const args = parseSynapseQuery(rawQuery);
  requireAccessToken(incoming, args);
  const params = decodeGroups(match);
  const headers = upstreamRequestHeaders(incoming, context.config);
  const signal = clientGoneSignal(outgoing);

  let request: ValidatedRequest;
  try {
    request = route.validate({ params, args });
  } catch (error) {
    if (error instanceof FacadeError && route.existenceCheckPath) {
      await answerIfMissing(context, route.existenceCheckPath(params), headers, signal, outgoing);
      if (outgoing.headersSent) return;
    }
    throw error;
  }

  const response = await context.upstream.request({
    method: route.method,
    path: upstreamTarget(request, rawQuery, route.doubleEncoded),
    headers,
    signal,
  });
  const body = await context.upstream.readBody(response);
  if (response.statusCode !== 200 || !route.response) {
    sendBytes(outgoing, response.statusCode, clientResponseHeaders(response.headers), body);
    return;
  }
  const normalised = normaliseBody(context, route, request, body);
  const responseHeaders = clientResponseHeaders(response.headers, { dropLength: normalised !== body });
  sendBytes(outgoing, 200, responseHeaders, normalised);
}

/**
 * Synapse checks existence before parameters on some routes; a read-only GET of the object tells us
 * whether Synapse would have answered 404 first. Its non-200 answer is sent as is.
 */
async function answerIfMissing(
  context: FacadeContext,
  path: string,
  headers: Record<string, string | string[]>,
  signal: AbortSignal,
  outgoing: ServerResponse,
): Promise<void> {
  const response: Dispatcher.ResponseData = await context.upstream.request({
    method: 'GET',
    path: `/_synapse/admin${path}`,
    headers,
    signal,
  });
  const body = await context.upstream.readBody(response);
  if (response.statusCode !== 200) {
    sendBytes(outgoing, response.statusCode, clientResponseHeaders(response.headers), body);
  }
}

/** Normalises a 200 body; a body that does not fit the schema is returned untouched and counted. */
function normaliseBody(context: FacadeContext, route: OwnedRoute, request: ValidatedRequest, body: Buffer): Buffer {
  const contract = route.response!;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    reportMismatch(context, route, 'body is not JSON');
    return body;
  }
  const checked = contract.upstream.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    reportMismatch(context, route, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    return body;
  }
  return Buffer.from(JSON.stringify(contract.normalise(parsed as never, request)));
}

/** Counts a schema mismatch and logs it once per route. */
function reportMismatch(context: FacadeContext, route: OwnedRoute, what: string): void {
  const seen = context.schemaMismatches.get(route.name) ?? 0;
  context.schemaMismatches.set(route.name, seen + 1);
  if (seen === 0) {
    context.logger.warn({ route: route.name, mismatch: what }, 'Synapse response did not fit its schema; passed through unchanged');
  }
}
