// Owned GETs: served from the shared cache when fresh, otherwise one coalesced upstream call (then cached).
import { tokenKey } from '../internal/token-hash.ts';
import { isTokenRefusalStatus } from '../protection/admin-gate.ts';
import { readScope } from '../protection/freshness.ts';
import type { FacadeContext, UpstreamAnswer } from './context.ts';
import type { OwnedRoute, ValidatedRequest } from './owned-route.ts';

/** What one owned GET needs for the cache and coalescing. */
export interface ReadThrough {
  route: OwnedRoute;
  request: ValidatedRequest;
  /** The request's canonical target (upstream-target.ts canonicalTarget): the cache key's text. */
  canonical: string;
  token: string;
  /** False for a token Synapse has not vouched for yet: it may neither read the cache nor join a request. */
  verified: boolean;
  /** The client sent `Cache-Control: no-cache`: skip the cache and refresh it. */
  noCache: boolean;
  /** The signal that fires when the client leaves (made on first call: a hit needs none). */
  clientGone: () => AbortSignal;
  send: (signal?: AbortSignal) => Promise<UpstreamAnswer>;
}

/** `X-Facade-Cache` values. */
export type CacheStatus = 'hit' | 'miss' | 'bypass';

/** A read's answer, its cache status, and for a hit the seconds since Synapse sent it (the `Age` header). */
export interface ReadAnswer {
  answer: UpstreamAnswer;
  cacheStatus?: CacheStatus;
  ageS?: number;
}

/**
 * The cache key is the route and the canonical upstream target built from the validated values (never
 * the raw URL text, never the token): `limit=1_0;from=0` and `from=0&limit=10` share one entry.
 */
export function cacheKey(route: OwnedRoute, canonical: string): string {
  return `${route.name} ${canonical}`;
}

/** The room a status answer is about when its path does not name one (a delete status by delete ID). */
function roomOfAnswer(body: Buffer): string | undefined {
  try {
    const roomId = (JSON.parse(body.toString('utf8')) as { room_id?: unknown } | null)?.room_id;
    return typeof roomId === 'string' ? roomId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Answers an owned GET through the cache (when it exists and the route is cacheable) and coalescing.
 * Only answers marked `shareable` (a 200 that fits its schema, for a verified admin or one this very answer
 * proved) are stored or given to a caller who joined the request; a joiner handed any other 200 asks Synapse
 * itself. A read that overlapped a write is not stored, and what a write touched bypasses the
 * cache for its settle window (see protection/freshness.ts).
 */
export async function readThroughCache(
  context: FacadeContext,
  { route, request, canonical, token, verified, noCache, clientGone, send }: ReadThrough,
): Promise<ReadAnswer> {
  const { cache, freshness } = context;
  const key = cacheKey(route, canonical);
  const scope = readScope(request.path);
  const cacheable = cache !== undefined && route.cache !== undefined;
  const settling = cacheable && freshness.bypasses(scope);
  if (cacheable && !noCache && !settling && verified) {
    const hit = cache.get(key);
    if (hit && !(hit.room !== undefined && freshness.bypasses(scope, hit.room))) {
      cache.stats.hits += 1;
      const ageS = Math.max(0, Math.floor((Date.now() - hit.storedAt) / 1000));
      return { answer: { status: 200, headers: hit.headers, body: hit.body, shareable: true }, cacheStatus: 'hit', ageS };
    }
  }
  const generation = freshness.generation;
  // Without the admin gate, callers may have different rights: only the same token shares a request.
  // A write changes the generation, so nobody joins a request that started before it.
  const sharedKey = `${generation} ${context.gate ? key : `${tokenKey(token)} ${key}`}`;
  const alone = noCache || !verified;
  let started = alone;
  const start = (signal: AbortSignal) => {
    started = true;
    return send(signal);
  };
  let answer = alone ? await send(clientGone()) : await context.sharedGets.join(sharedKey, start, clientGone());
  // Synapse refused the token of the caller who started the shared request, not this caller's.
  if (isTokenRefusalStatus(answer.status) && answer.sentWith !== token) answer = await send(clientGone());
  // A 200 that did not fit its schema belongs to the caller it was sent for: a joiner asks Synapse itself.
  else if (!started && answer.status === 200 && !answer.shareable) answer = await send(clientGone());
  if (!cache) return { answer };
  if (!cacheable) return { answer, cacheStatus: 'bypass' };
  const bypass = noCache || settling;
  if (bypass) cache.stats.bypasses += 1;
  else cache.stats.misses += 1;
  if (answer.shareable && !settling && freshness.generation === generation) {
    const room = scope.status && scope.room === undefined ? roomOfAnswer(answer.body) : undefined;
    if (room === undefined || !freshness.bypasses(scope, room)) {
      const headers: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) headers[name] = value;
      const path = request.path ? `/_synapse/admin${request.path}` : '';
      cache.set(key, route.cache!, { path, headers, body: answer.body, storedAt: Date.now(), ...(room !== undefined ? { room } : {}) });
    }
  }
  return { answer, cacheStatus: bypass ? 'bypass' : 'miss' };
}
