// The pipeline every owned route goes through: body limit → token → verified admin → validation →
// cache/coalescing or at-most-once mutation → normalisation → answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FacadeError } from '../errors.ts';
import { decodePathSegment } from '../internal/path.ts';
import { parseSynapseQuery, splitTarget } from '../internal/query.ts';
import { clientResponseHeaders, upstreamRequestHeaders } from '../upstream/headers.ts';
import { requireAccessToken } from './auth.ts';
import type { FacadeContext, UpstreamAnswer } from './context.ts';
import { noteUpstreamStatus, recordOf } from '../observability/request-log.ts';
import { normaliseBody } from './normalise-response.ts';
import { parseBody } from './parse-body.ts';
import { readThroughCache } from './read-through.ts';
import { sendMutation } from './mutation.ts';
import type { OwnedRoute, Probe, ValidatedRequest } from './owned-route.ts';
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
  const probe = createProbe(context, headers, rawQuery);
  // As in Synapse, an unknown or non-admin token is refused before any parameter is looked at. A token
  // without a verdict is verified up front for mutations (the audit names the admin); for a valid GET,
  // Synapse's own answer verifies it, which saves two lookups on a UI's first page.
  const { adminUserId, verified, release } = await admitCaller(context, route, token, probe);
  try {
    await answerOwnedRoute(context, { route, params, args, bodyBytes, rawQuery, headers, probe, token, adminUserId, verified }, incoming, outgoing);
  } finally {
    release();
  }
}

/** How the gate lets this caller in: verified (user ID when known), or first-use of a fresh token. */
async function admitCaller(context: FacadeContext, route: OwnedRoute, token: string, probe: Probe) {
  const gate = context.gate;
  const none = () => {};
  if (!gate) return { adminUserId: undefined, verified: true, release: none };
  if (route.mutation) return { adminUserId: await gate.verify(token, probe), verified: true, release: none };
  const known = gate.known(token);
  if (known) return { adminUserId: known.userId, verified: true, release: none };
  const turn = gate.firstUse(token);
  if (turn.first) return { adminUserId: undefined, verified: false, release: turn.done };
  await turn.wait;
  const learnt = gate.known(token) ?? { userId: await gate.verify(token, probe) };
  return { adminUserId: learnt.userId, verified: true, release: none };
}

/** Everything the rest of the pipeline needs about one admitted request. */
interface Admitted {
  route: OwnedRoute;
  params: Record<string, string>;
  args: ReturnType<typeof parseSynapseQuery>;
  bodyBytes: Buffer;
  rawQuery: string;
  headers: Record<string, string | string[]>;
  probe: Probe;
  token: string;
  adminUserId: string | undefined;
  verified: boolean;
}

/** Validates, then sends (mutation) or reads through the cache (GET), and writes the answer. */
async function answerOwnedRoute(
  context: FacadeContext,
  { route, params, args, bodyBytes, rawQuery, headers, probe, token, adminUserId, verified }: Admitted,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  let request: ValidatedRequest;
  try {
    const body = parseBody(route.body, bodyBytes);
    request = await route.validate({ params, args, body, probe, serverName: () => discoverServerName(context, probe) });
  } catch (error) {
    if (!verified) await context.gate!.verify(token, probe);
    if (error instanceof FacadeError && route.existenceCheckPath) {
      const check = await probe(`/_synapse/admin${route.existenceCheckPath(params)}`);
      if (check.status !== 200) return sendJson(outgoing, check.status, check.body);
    }
    throw error;
  }

  const target = upstreamTarget(request, rawQuery, route.doubleEncoded);
  const forwardBody = route.body === 'object' || route.body === 'optional-object' ? bodyBytes : null;
  // One upstream call in a limiter slot; a 200 comes back already normalised (what is cached and shared).
  const send = (signal?: AbortSignal) =>
    context.limiter.run(async (): Promise<UpstreamAnswer> => {
      const response = await context.upstream.request({
        method: route.method,
        path: target,
        headers,
        body: forwardBody,
        signal,
        headersTimeoutMs: route.mutation?.longRunning ? context.config.upstreamLongTimeoutMs : undefined,
        label: route.name,
      });
      noteUpstreamStatus(incoming, response.statusCode);
      const body = await context.upstream.readBody(response);
      if (!verified) context.gate!.noteAnswer(token, response.statusCode, body);
      if (response.statusCode !== 200) return { status: response.statusCode, headers: response.headers, body };
      return { status: 200, headers: response.headers, body: normaliseBody(context, route, request, body) };
    });

  if (route.mutation) {
    const caller = { token, adminUserId };
    return writeAnswer(await sendMutation(context, { route, request, caller, target, forwardBody, send }), outgoing);
  }
  const { answer, cacheStatus } = await readThroughCache(context, {
    route,
    request,
    token,
    verified,
    noCache: /(?:^|,)\s*no-cache\s*(?:,|$)/i.test(String(incoming.headers['cache-control'] ?? '')),
    clientGone: clientGoneSignal(outgoing),
    send,
  });
  if (cacheStatus) {
    context.metrics.cacheEvents.inc({ result: cacheStatus });
    const record = recordOf(incoming);
    if (record) record.cache = cacheStatus;
  }
  writeAnswer(answer, outgoing, cacheStatus);
}

/** Writes an upstream (or cached) answer: non-200 exactly as Synapse sent it, 200 as normalised bytes. */
function writeAnswer(answer: UpstreamAnswer, outgoing: ServerResponse, cacheStatus?: string): void {
  const headers = clientResponseHeaders(answer.headers, { dropLength: true });
  if (cacheStatus) headers['x-facade-cache'] = cacheStatus;
  sendBytes(outgoing, answer.status, headers, answer.body);
}
