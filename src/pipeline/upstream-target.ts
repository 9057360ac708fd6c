// Builds the upstream request target from a validated request: each value in the shortest form Synapse reads
// as exactly that value, and refuses (414) a request Twisted would drop before Synapse could answer it.
import { facadeErrors } from '../errors.ts';
import { percentDecodeToBytes, percentEncode, rawCharacters } from '../internal/query.ts';
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
 * Printable ASCII (`!`–`~`) sent raw in a query value (`:` `@` `!` `$` `,` `{` `}` `"` `/` `?` `=` included):
 * Twisted accepts bytes 33–176 in a request target and undici 0x21–0xFF. The class leaves out, so escapes,
 * `#` (a fragment to anything URL-aware between the facade and Synapse), `%` (always, so no intermediary sees a
 * broken escape), `&` and `;` (Twisted's pair separators) and `+` (Twisted reads it as a space).
 * Twisted: twisted/web/http.py `_parseRequestLine`, `parse_qs`.
 */
const QUERY_RAW = rawCharacters(`[!-"$'-*,-:<-~]`);

/** One query value in its shortest form for Twisted's `parse_qs`: a space is `+`, see {@link QUERY_RAW}. */
export function encodeQueryValue(value: string): string {
  return value.split(' ').map((part) => percentEncode(part, QUERY_RAW)).join('+');
}

/**
 * A value Synapse percent-decodes a second time (`parse_json`'s `urllib.parse.unquote`, for `filter`): only a
 * `%` that starts an escape (two hex digits) needs escaping for that second decoding; everything else is
 * already what `unquote` returns (it keeps `+` and non-ASCII characters). Synapse: synapse/http/servlet.py
 * parse_json_from_args.
 */
export function encodeTwiceDecodedValue(value: string): string {
  return encodeQueryValue(value.replace(/%(?=[0-9A-Fa-f]{2})/g, '%25'));
}

/**
 * `/_synapse/admin` + the validated path + a query of the validated values, each in its shortest form (those in
 * `twiceDecoded` for Synapse's two decodings): the same text for every caller, whatever its credentials, so it
 * is also the cache key's.
 */
export function canonicalTarget(request: ValidatedRequest, twiceDecoded: readonly string[] = []): string {
  const pairs = request.query.map(([name, value]) =>
    `${encodeQueryValue(name)}=${twiceDecoded.includes(name) ? encodeTwiceDecodedValue(value) : encodeQueryValue(value)}`);
  const path = `/_synapse/admin${request.path}`;
  return pairs.length === 0 ? path : `${path}?${pairs.join('&')}`;
}

/** A canonical target with the caller's verbatim pairs of `rawQuery` (its token, `user_id`) appended. */
export function withVerbatimPairs(canonical: string, rawQuery: string): string {
  const pairs = verbatimPairs(rawQuery);
  if (pairs.length === 0) return canonical;
  return `${canonical}${canonical.includes('?') ? '&' : '?'}${pairs.join('&')}`;
}

/** The whole upstream target: {@link canonicalTarget}, then the verbatim pairs of `rawQuery`. */
export function upstreamTarget(request: ValidatedRequest, rawQuery: string, twiceDecoded: readonly string[] = []): string {
  return withVerbatimPairs(canonicalTarget(request, twiceDecoded), rawQuery);
}

/**
 * Twisted's limit on a request head: the request line and every header line, counted without their CRLFs.
 * One byte more and Twisted answers a bare 400 (or, for a request line alone over the limit, closes the
 * connection without answering), before Synapse sees the request.
 * Twisted: twisted/web/http.py HTTPChannel.totalHeadersSize, twisted/protocols/basic.py LineReceiver.MAX_LENGTH
 */
export const TWISTED_MAX_HEAD_BYTES = 16_384;

/** What goes into one upstream request head. */
export interface UpstreamHead {
  method: string;
  target: string;
  headers: Record<string, string | string[]>;
  /** Body bytes sent (decides undici's `content-length` line). */
  bodyLength: number;
}

/**
 * The bytes Twisted counts for the head undici writes: `METHOD target HTTP/1.1`, `host: …`, `connection: …`
 * (the longer `keep-alive` form), each header as `name: value`, and `content-length: n` when there is a body
 * or the method expects one. undici: lib/dispatcher/client-h1.js writeH1, writeBuffer
 */
export function upstreamHeadBytes(origin: string, { method, target, headers, bodyLength }: UpstreamHead): number {
  // Counted as lengths: the head goes out as latin1, one byte per character (Buffer.byteLength's 'latin1').
  let bytes = method.length + 1 + target.length + ' HTTP/1.1'.length;
  // An origin (URL.origin) is `scheme://host[:port]`: its host is what follows `://`.
  bytes += 'host: '.length + origin.length - origin.indexOf('://') - 3 + 'connection: keep-alive'.length;
  for (const name in headers) {
    const value = headers[name]!;
    if (typeof value === 'string') bytes += name.length + 2 + value.length;
    else for (const one of value) bytes += name.length + 2 + one.length;
  }
  if (bodyLength > 0 || method === 'PUT' || method === 'POST') bytes += `content-length: ${bodyLength}`.length;
  return bytes;
}

/** Throws the facade's 414 when Twisted would refuse the head, so nothing is sent and Synapse is not blamed. */
export function requireHeadFitsTwisted(origin: string, head: UpstreamHead): void {
  const bytes = upstreamHeadBytes(origin, head);
  if (bytes > TWISTED_MAX_HEAD_BYTES) throw facadeErrors.requestTooLong(TWISTED_MAX_HEAD_BYTES, bytes);
}
