// The pipeline every owned route goes through: body limit, authenticate, validate, forward, normalise, answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyError, parseJsonObjectBody, type JsonObject } from '../../schemas/json-body.ts';
import { FacadeError } from '../errors.ts';
import { decodePathSegment } from '../internal/path.ts';
import { parseSynapseQuery, splitTarget } from '../internal/query.ts';
import { clientResponseHeaders, upstreamRequestHeaders } from '../upstream/headers.ts';
import { requireAccessToken } from './auth.ts';
import type { FacadeContext, UpstreamAnswer } from './context.ts';
import { coalesce, coalescingKey, writeAuditLine, type AuditEntry } from './mutation.ts';
import { normaliseBody } from './normalise-response.ts';
import type { OwnedRoute, ValidatedRequest } from './owned-route.ts';
import { createProbe, discoverServerName } from './probe.ts';
import { readBoundedBody } from './request-body.ts';
import { sendBytes, sendJson } from './respond.ts';
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

/** Parses the body as the route's servlet would; Synapse reports body errors as 400s. */
function parseBody(route: OwnedRoute, bytes: Buffer): JsonObject {
  if (route.body !== 'object' && route.body !== 'optional-object') return {};
  try {
    return parseJsonObjectBody(bytes, { allowEmpty: route.body === 'optional-object' });
  } catch (error) {
    if (error instanceof BodyError) throw new FacadeError(400, error.errcode, error.message);
    throw error;
  }
}

/** Handles one request to an owned route; errors it throws are FacadeErrors for app.onError. */
export async function runOwnedRoute(
  context: FacadeContext,
  route: OwnedRoute,
  match: RegExpExecArray,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  // Synapse (Twisted) reads and size-checks the whole body before any servlet code, auth included.
  const bodyBytes = route.body ? await readBoundedBody(incoming, context.config.maxBodyBytes) : Buffer.alloc(0);
  const { rawQuery } = splitTarget(incoming.url ?? '/');
  const args = parseSynapseQuery(rawQuery);
  const token = requireAccessToken(incoming, args);
  const params = decodeGroups(match);
  const headers = upstreamRequestHeaders(incoming, context.config);
  // Mutations are never cancelled: Synapse does not cancel them either, and the outcome must be logged.
  const signal = route.mutation ? undefined : clientGoneSignal(outgoing);
  const probe = createProbe(context, headers);

  let request: ValidatedRequest;
  try {
    const body = parseBody(route, bodyBytes);
    request = await route.validate({ params, args, body, probe, serverName: () => discoverServerName(context, probe) });
  } catch (error) {
    if (error instanceof FacadeError && route.existenceCheckPath) {
      const check = await probe(`/_synapse/admin${route.existenceCheckPath(params)}`);
      if (check.status !== 200) return sendJson(outgoing, check.status, check.body);
    }
    throw error;
  }
  if (request.answer) {
    if (route.mutation) writeAuditLine(context, { route, request, token, startedAt: Date.now(), upstreamStatus: null });
    return sendJson(outgoing, request.answer.status, request.answer.body);
  }

  const target = upstreamTarget(request, rawQuery, route.doubleEncoded);
  const forwardBody = route.body === 'object' || route.body === 'optional-object' ? bodyBytes : null;
  const send = async (): Promise<UpstreamAnswer> => {
    const response = await context.upstream.request({
      method: route.method,
      path: target,
      headers,
      body: forwardBody,
      signal,
      headersTimeoutMs: route.mutation?.longRunning ? context.config.upstreamLongTimeoutMs : undefined,
    });
    return { status: response.statusCode, headers: response.headers, body: await context.upstream.readBody(response) };
  };

  const answer = route.mutation ? await sendMutation(context, route, request, token, target, forwardBody, send) : await send();
  if (answer.status !== 200) {
    return sendBytes(outgoing, answer.status, clientResponseHeaders(answer.headers), answer.body);
  }
  const normalised = normaliseBody(context, route, request, answer.body);
  sendBytes(outgoing, 200, clientResponseHeaders(answer.headers, { dropLength: normalised !== answer.body }), normalised);
}

/** Sends a mutation at most once (coalesced when the route says so) and writes its audit line. */
async function sendMutation(
  context: FacadeContext,
  route: OwnedRoute,
  request: ValidatedRequest,
  token: string,
  target: string,
  forwardBody: Buffer | null,
  send: () => Promise<UpstreamAnswer>,
): Promise<UpstreamAnswer> {
  const entry: AuditEntry = { route, request, token, startedAt: Date.now(), upstreamStatus: null };
  const { answer, shared } = route.mutation?.coalesce
    ? coalesce(context, coalescingKey(route, target, token, forwardBody ?? Buffer.alloc(0)), send)
    : { answer: send(), shared: false };
  try {
    const result = await answer;
    writeAuditLine(context, { ...entry, upstreamStatus: result.status, responseBody: result.body, coalesced: shared });
    return result;
  } catch (error) {
    writeAuditLine(context, { ...entry, coalesced: shared, error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}
