// The pipeline every owned route goes through: body limit → token → verified admin → validation →
// cache/coalescing or at-most-once mutation → normalisation → answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FacadeError } from '../errors.ts';
import { decodePathSegment } from '../internal/path.ts';
import { repeatedQueryArgs, splitTarget, type QueryArgs } from '../internal/query.ts';
import { clientResponseHeaders, ownedRouteHeaders } from '../upstream/headers.ts';
import { isTokenRefusalStatus, type GateSnapshot, type Lookup } from '../protection/admin-gate.ts';
import type { PendingWrite } from '../protection/freshness.ts';
import { requireAccessToken } from './auth.ts';
import type { FacadeContext, UpstreamAnswer } from './context.ts';
import { noteUpstreamStatus, recordOf } from '../observability/request-log.ts';
import { normaliseBody } from './normalise-response.ts';
import { parseBody } from './parse-body.ts';
import { readThroughCache } from './read-through.ts';
import { sendMutation } from './mutation.ts';
import { withDeleteStore } from './delete-status-store.ts';
import type { OwnedRoute, Probe, ValidatedRequest } from './owned-route.ts';
import { rememberValidated, validatedBefore, type ValidatedTarget } from './validated-targets.ts';
import { createGateLookup, createProbe, discoverServerName } from './probe.ts';
import { readBoundedBody } from './request-body.ts';
import { CORS_HEADERS, sendJson } from './respond.ts';
import { refuseSynapseCrashes } from './synapse-crashes.ts';
import { canonicalTarget, requireHeadFitsTwisted, withVerbatimPairs } from './upstream-target.ts';

/** The body of a route that takes none: one empty Buffer for all of them, not one per request. */
const NO_BODY = Buffer.alloc(0);

/** Decoded named groups of a route match. */
function decodeGroups(match: RegExpExecArray): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, raw] of Object.entries(match.groups ?? {})) params[name] = decodePathSegment(raw ?? '');
  return params;
}

/**
 * An AbortSignal that fires when the client goes away before its answer is complete; made when first read, since
 * a cache hit never needs one.
 */
function clientGoneSignal(outgoing: ServerResponse): () => AbortSignal {
  let signal: AbortSignal | undefined;
  return () => {
    if (signal === undefined) {
      const controller = new AbortController();
      signal = controller.signal;
      if (outgoing.destroyed && !outgoing.writableFinished) controller.abort();
      else outgoing.once('close', () => {
        if (!outgoing.writableFinished) controller.abort();
      });
    }
    return signal;
  };
}

/** Handles one request to an owned route; errors it throws are FacadeErrors for synapse-listener.ts's answerThrown. */
export async function runOwnedRoute(
  context: FacadeContext,
  route: OwnedRoute,
  match: RegExpExecArray,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  write?: PendingWrite,
): Promise<void> {
  // Only an allowlist of headers goes to Synapse, bounded well under Twisted's limits (else the facade's 431):
  // nothing the client adds can make Twisted answer before Synapse's auth has looked at the token.
  const headers = ownedRouteHeaders(incoming, { trustedProxies: context.config.trustedProxies, requestId: recordOf(incoming)?.id });
  // Synapse (Twisted) reads and size-checks the whole body before any servlet code, auth included.
  const bodyBytes = route.body ? await readBoundedBody(incoming, context.config.maxBodyBytes) : NO_BODY;
  const { rawQuery } = splitTarget(incoming.url ?? '/');
  const args = repeatedQueryArgs(rawQuery);
  const token = requireAccessToken(incoming, args);
  const params = decodeGroups(match);
  const probe = createProbe(context, { headers, rawQuery, token });
  const lookup = createGateLookup(context, { token, rawQuery });
  // As in Synapse, an unknown or non-admin token is refused before any parameter is looked at. A token
  // without a verdict is verified up front for mutations (the audit names the admin); for a valid GET,
  // Synapse's own 200 may prove it, which saves two lookups on a UI's first page.
  const { adminUserId, verified, release } = await admitCaller(context, route, token, lookup);
  // Only the gate's verdict proves an admin (without VERIFY_ADMINS every caller counts as verified).
  if (context.gate && verified) context.newestAdminToken = token;
  try {
    const admitted = { route, params, args, bodyBytes, rawQuery, headers, probe, lookup, token, adminUserId, verified, write };
    await answerOwnedRoute(context, admitted, incoming, outgoing);
  } finally {
    release();
  }
}

/** How the gate lets this caller in: verified (user ID when known), or first-use of a fresh token. */
async function admitCaller(context: FacadeContext, route: OwnedRoute, token: string, lookup: Lookup) {
  const gate = context.gate;
  const none = () => {};
  if (!gate) return { adminUserId: undefined, verified: true, release: none };
  if (route.mutation) return { adminUserId: await gate.verify(token, lookup), verified: true, release: none };
  const known = gate.known(token);
  if (known) return { adminUserId: known.userId, verified: true, release: none };
  const turn = gate.firstUse(token);
  if (turn.first) return { adminUserId: undefined, verified: false, release: turn.done };
  await turn.wait;
  const learnt = gate.known(token) ?? { userId: await gate.verify(token, lookup) };
  return { adminUserId: learnt.userId, verified: true, release: none };
}

/** Everything the rest of the pipeline needs about one admitted request. */
interface Admitted {
  route: OwnedRoute;
  params: Record<string, string>;
  args: QueryArgs;
  bodyBytes: Buffer;
  rawQuery: string;
  headers: Record<string, string | string[]>;
  probe: Probe;
  lookup: Lookup;
  token: string;
  adminUserId: string | undefined;
  verified: boolean;
  write: PendingWrite | undefined;
}

/** Validates, then sends (mutation) or reads through the cache (GET), and writes the answer. */
async function answerOwnedRoute(context: FacadeContext, admitted: Admitted, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
  const { route, params, args, bodyBytes, headers, probe, lookup, token, adminUserId, verified, write } = admitted;
  const forwardBody = route.body === 'object' || route.body === 'optional-object' ? bodyBytes : null;
  let request: ValidatedRequest;
  let target: string;
  let canonical: string;
  try {
    const rawTarget = incoming.url ?? '/';
    ({ request, canonical, target } = validatedBefore(route, rawTarget) ?? (await validateTarget(context, route, admitted, rawTarget)));
    requireHeadFitsTwisted(context.upstream.origin, { method: route.method, target, headers, bodyLength: forwardBody?.length ?? 0 });
  } catch (error) {
    if (!verified) await context.gate!.verify(token, lookup);
    const existencePath = route.existenceCheckPath?.(params);
    if (error instanceof FacadeError && existencePath !== undefined) {
      const check = await probe(`/_synapse/admin${existencePath}`);
      if (check.status !== 200) return sendJson(outgoing, check.status, check.body);
    }
    throw error;
  }

  // An unverified token's answer may become its verdict only if no logout or demotion happened meanwhile.
  const snapshot = verified ? undefined : context.gate?.snapshot(token);
  // An appservice token masquerading with `user_id` acts as another user: its 200 proves nothing about itself.
  const provable = !args.has('user_id');
  // One upstream call in a limiter slot; a 200 comes back already normalised (what is cached and shared).
  const send = (signal?: AbortSignal) =>
    context.limiter.run(async (): Promise<UpstreamAnswer> => {
      write?.sent();
      const response = await context.upstream.read({
        method: route.method,
        path: target,
        headers,
        body: forwardBody,
        signal,
        headersTimeoutMs: route.mutation?.longRunning ? context.config.upstreamLongTimeoutMs : undefined,
        label: route.name,
      }, (status) => noteUpstreamStatus(incoming, status));
      const { body, statusCode: status } = response;
      // A write's stale reads are dropped before its answer can reach any client (coalesced callers included).
      await write?.end(status);
      if (status !== 200) {
        noteRefusal(context, { token, snapshot, status, body });
        return { status, headers: response.headers, body, shareable: false, sentWith: token };
      }
      const normalised = normaliseBody(context, route, request, body);
      if (snapshot && normalised.fits && provable) context.gate?.noteProof(snapshot);
      const shareable = normalised.fits && (snapshot === undefined || provable);
      return { status: 200, headers: response.headers, body: normalised.body, shareable, sentWith: token };
    });

  if (route.mutation) {
    const caller = { token, adminUserId };
    const requestId = recordOf(incoming)?.id;
    return writeAnswer(context, route, await sendMutation(context, { route, request, caller, target, forwardBody, requestId, send }), outgoing);
  }
  const { answer, cacheStatus, ageS } = await readThroughCache(context, {
    route,
    request,
    canonical,
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
  const sent = route.deleteStatus ? await withDeleteStore(context, request, answer, cacheStatus !== 'hit') : answer;
  writeAnswer(context, route, sent, outgoing, cacheStatus, ageS);
}

/**
 * Runs the route's checks on a target not validated before; a GET whose checks read nothing but the target is
 * remembered (validated-targets.ts), so its next request skips them.
 */
async function validateTarget(context: FacadeContext, route: OwnedRoute, admitted: Admitted, rawTarget: string): Promise<ValidatedTarget> {
  const { params, args, bodyBytes, rawQuery, probe } = admitted;
  // A check that asks Synapse, or reads the server name (this facade's, learnt or configured), depends on more
  // than the target: its result is not remembered (the memory is per route, shared by facades in one process).
  let beyondTarget = false;
  const asking: Probe = (path) => {
    beyondTarget = true;
    return probe(path);
  };
  const serverName = () => {
    beyondTarget = true;
    return discoverServerName(context, asking);
  };
  const body = parseBody(route.body, bodyBytes);
  const request = await route.validate({ params, args, body, probe: asking, serverName });
  // After Synapse's own checks: inputs it accepts and then fails on (500), and requests Twisted would drop.
  refuseSynapseCrashes(route, request, params);
  const canonical = canonicalTarget(request, route.doubleEncoded);
  const validated = { request, canonical, target: withVerbatimPairs(canonical, rawQuery) };
  if (!beyondTarget) rememberValidated(route, rawTarget, validated);
  return validated;
}

/**
 * Synapse refused the token (401/403): an unverified token keeps that refusal as its verdict; a verified
 * one loses its verdict at once (logged out, deactivated or demoted elsewhere).
 */
function noteRefusal(
  context: FacadeContext,
  { token, snapshot, status, body }: { token: string; snapshot: GateSnapshot | undefined; status: number; body: Buffer },
): void {
  if (!context.gate || !isTokenRefusalStatus(status)) return;
  if (!snapshot) return context.gate.forget(token);
  try {
    context.gate.noteRefusal(snapshot, status, JSON.parse(body.toString('utf8')));
  } catch {
    // Not Synapse's JSON: nothing is learnt.
  }
}

/**
 * Synapse's headers as the client gets them (hop-by-hop and length dropped, CORS added), worked out once per
 * header set: a cached answer is written many times with the same one.
 */
const clientHeadersOf = (() => {
  const made = new WeakMap<object, Readonly<Record<string, string | string[]>>>();
  return (upstream: UpstreamAnswer['headers']) => {
    let headers = made.get(upstream);
    if (headers === undefined) {
      headers = { ...clientResponseHeaders(upstream, { dropLength: true }), ...CORS_HEADERS };
      made.set(upstream, headers);
    }
    return headers;
  };
})();

/** Writes an upstream (or cached) answer: non-200 exactly as Synapse sent it, 200 as normalised bytes. */
function writeAnswer(context: FacadeContext, route: OwnedRoute, answer: UpstreamAnswer, outgoing: ServerResponse, cacheStatus?: string, ageS?: number): void {
  let body = answer.body;
  // Only an answer that fits its schema is a delete status the facade can compare (a misfit goes out as sent).
  if (route.deleteStatus && answer.status === 200 && answer.shareable) {
    const progressed = context.deleteProgress.apply(body);
    body = progressed.body;
    for (const roomId of progressed.finished) void context.freshness.roomChanged(roomId);
  }
  if (outgoing.headersSent || outgoing.destroyed) return;
  const headers: Record<string, string | string[]> = { ...clientHeadersOf(answer.headers) };
  if (cacheStatus) headers['x-facade-cache'] = cacheStatus;
  if (ageS !== undefined) headers.age = String(ageS);
  headers['content-length'] = String(body.length);
  outgoing.writeHead(answer.status, headers);
  outgoing.end(body);
}
