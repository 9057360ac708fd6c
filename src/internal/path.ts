// Path segments: decoded once the way Synapse decodes them, and encoded toward Synapse in their shortest safe form.
import { percentDecodeToBytes, percentEncode, rawCharacters } from './query.ts';

/**
 * Decodes one captured path group like Synapse (`urllib.parse.unquote`: UTF-8, invalid bytes replaced,
 * `+` kept). `%21a%3Ahs` and `!a:hs` give the same room ID.
 * Synapse: synapse/http/server.py `_get_handler_for_request` unquotes every group.
 */
export function decodePathSegment(rawSegment: string): string {
  return percentDecodeToBytes(rawSegment).toString('utf8');
}

/**
 * RFC 3986 `pchar` without `%` and `*`: characters every URL normaliser leaves alone, which Twisted matches
 * and Synapse's unquote keeps as they are. `*` is escaped too, because the cache's invalidation patterns
 * (protection/response-cache.ts) read it as a wildcard.
 */
const PATH_RAW = rawCharacters("[A-Za-z0-9\\-._~!$&'()+,;=:@]");

/** `.` and `..`: RFC 3986 dot segments, which any URL normaliser between the facade and Synapse removes. */
export function isDotSegment(value: string): boolean {
  return value === '.' || value === '..';
}

/**
 * Encodes a decoded value as one path segment for the upstream request, in its shortest form: `!a:hs` stays
 * `!a:hs`; `/`, `?`, `#`, `%`, spaces, controls and non-ASCII characters are escaped, so no value can add or
 * remove a segment. Routes never send a dot segment (they answer it themselves, see
 * {@link encodeLookupSegment}); for other uses (cache patterns) one is escaped to `%2E`.
 */
export function encodePathSegment(value: string): string {
  return isDotSegment(value) ? value.replaceAll('.', '%2E') : percentEncode(value, PATH_RAW);
}

/**
 * Stands in for a dot segment in a route Synapse answers by looking the ID up without validating it: no room,
 * event or anything else can have this ID (it has no sigil), so Synapse answers for it exactly what it answers
 * for `.` or `..` — unknown — and the dot segment itself is never sent.
 */
export const UNKNOWN_ID_SEGMENT = 'dot-segment';

/**
 * A path segment for an ID Synapse only looks up: {@link encodePathSegment}, except that a dot segment becomes
 * {@link UNKNOWN_ID_SEGMENT}. A percent-encoded dot (`%2E%2E`) is no safer than `..`: a URL normaliser
 * between the facade and Synapse may decode it into a dot segment and change the route.
 */
export function encodeLookupSegment(value: string): string {
  return isDotSegment(value) ? UNKNOWN_ID_SEGMENT : encodePathSegment(value);
}
