// Owned GETs: served from the shared cache when fresh, otherwise one coalesced upstream call (then cached).
import { tokenKey } from '../internal/token-hash.ts';
import type { FacadeContext, UpstreamAnswer } from './context.ts';
import type { OwnedRoute, ValidatedRequest } from './owned-route.ts';
import { upstreamTarget } from './upstream-target.ts';

/** What one owned GET needs for the cache and coalescing. */
export interface ReadThrough {
  route: OwnedRoute;
  request: ValidatedRequest;
  token: string;
  /** False for a token Synapse has not vouched for yet: it may neither read the cache nor join a request. */
  verified: boolean;
  /** The client sent `Cache-Control: no-cache`: skip the cache and refresh it. */
  noCache: boolean;
  clientGone: AbortSignal;
  send: (signal?: AbortSignal) => Promise<UpstreamAnswer>;
}

/** `X-Facade-Cache` values. */
export type CacheStatus = 'hit' | 'miss' | 'bypass';

/**
 * The cache key is the route and the canonical upstream target built from the validated values (never
 * the raw URL text, never the token): `limit=1_0;from=0` and `from=0&limit=10` share one entry.
 */
export function cacheKey(route: OwnedRoute, request: ValidatedRequest): string {
  return `${route.name} ${upstreamTarget(request, '', route.doubleEncoded)}`;
}

/** Answers an owned GET through the cache (when it exists and the route is cacheable) and coalescing. */
export async function readThroughCache(
  context: FacadeContext,
  { route, request, token, verified, noCache, clientGone, send }: ReadThrough,
): Promise<{ answer: UpstreamAnswer; cacheStatus?: CacheStatus }> {
  const { cache } = context;
  const key = cacheKey(route, request);
  const cacheable = cache !== undefined && route.cache !== undefined;
  if (cacheable && !noCache && verified) {
    const hit = cache.get(key);
    if (hit) {
      cache.stats.hits += 1;
      return { answer: { status: 200, headers: hit.headers, body: hit.body }, cacheStatus: 'hit' };
    }
  }
  // Without the admin gate, callers may have different rights: only the same token shares a request.
  const sharedKey = context.gate ? key : `${tokenKey(token)} ${key}`;
  const alone = noCache || !verified;
  const answer = alone ? await send(clientGone) : await context.sharedGets.join(sharedKey, send, clientGone);
  if (!cache) return { answer };
  if (!cacheable) return { answer, cacheStatus: 'bypass' };
  if (noCache) cache.stats.bypasses += 1;
  else cache.stats.misses += 1;
  if (answer.status === 200) {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined) headers[name] = value;
    cache.set(key, route.cache!, { path: request.path ? `/_synapse/admin${request.path}` : '', headers, body: answer.body });
  }
  return { answer, cacheStatus: noCache ? 'bypass' : 'miss' };
}
