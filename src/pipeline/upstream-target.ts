// Builds the exact upstream request target from a validated request: each value encoded exactly once.
import { percentDecodeToBytes } from '../internal/query.ts';
import type { ValidatedRequest } from './owned-route.ts';

/** Query keys forwarded exactly as received: the token (never re-encoded) and appservice masquerading. */
const VERBATIM_KEYS = new Set(['access_token', 'user_id']);

/**
 * The raw `key=value` pairs of `rawQuery` whose key is one of `keys` (default: those forwarded verbatim,
 * `access_token` and `user_id`), in their original order.
 */
export function verbatimPairs(rawQuery: string, keys: ReadonlySet<string> = VERBATIM_KEYS): string[] {
  if (rawQuery === '') return [];
  return rawQuery.split(/[&;]/).filter((pair) => {
    const eq = pair.indexOf('=');
    if (eq === -1) return false;
    const key = percentDecodeToBytes(pair.slice(0, eq).replaceAll('+', ' ')).toString('latin1');
    return keys.has(key);
  });
}

/**
 * `/_synapse/admin` + the validated path + a query of the validated values. Values Synapse decodes twice
 * (`filter`, parse_json) are encoded twice so Synapse ends with exactly the value the facade validated.
 */
export function upstreamTarget(
  request: ValidatedRequest,
  rawQuery: string,
  doubleEncoded: readonly string[] = [],
): string {
  const pairs = request.query.map(([name, value]) => {
    const once = encodeURIComponent(value);
    return `${encodeURIComponent(name)}=${doubleEncoded.includes(name) ? encodeURIComponent(once) : once}`;
  });
  pairs.push(...verbatimPairs(rawQuery));
  const path = `/_synapse/admin${request.path}`;
  return pairs.length === 0 ? path : `${path}?${pairs.join('&')}`;
}
