// Query-string parsing exactly as Synapse sees it (Twisted's parse_qs with keep_blank_values).
// Synapse: twisted/web/http.py parse_qs; synapse/http/servlet.py (helpers take the first value).

/** Raw query arguments as Synapse sees them: key (latin1 of its bytes) → every value's bytes, in order. */
export type QueryArgs = ReadonlyMap<string, readonly Buffer[]>;

const HEX = /^[0-9A-Fa-f]{2}$/;

/** Percent-decodes like Python's `unquote_to_bytes`: malformed `%` sequences are kept literally. */
export function percentDecodeToBytes(text: string): Buffer {
  if (!text.includes('%')) return Buffer.from(text, 'latin1');
  const input = Buffer.from(text, 'latin1');
  const out = Buffer.allocUnsafe(input.length);
  let length = 0;
  for (let i = 0; i < input.length; i++) {
    const byte = input[i]!;
    if (byte === 0x25 && i + 2 < input.length && HEX.test(text.slice(i + 1, i + 3))) {
      out[length++] = Number.parseInt(text.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  return out.subarray(0, length);
}

/** ASCII characters `percentEncode` leaves raw: one regex character class, tested on a character and on a whole value. */
export interface RawCharacters {
  readonly one: RegExp;
  readonly all: RegExp;
}

/** The raw set of a character class such as `[A-Za-z0-9]` (ASCII characters only). */
export const rawCharacters = (characterClass: string): RawCharacters => ({
  one: new RegExp(`^${characterClass}$`),
  all: new RegExp(`^${characterClass}*$`),
});

/**
 * Percent-encodes the UTF-8 bytes of `value`, leaving raw the ASCII characters of `raw` (upper-case hex, as
 * RFC 3986 recommends); a value made only of those (the common case) is returned as it is. Lone surrogates
 * become U+FFFD, as in Python's `errors="replace"`.
 */
export function percentEncode(value: string, raw: RawCharacters): string {
  if (raw.all.test(value)) return value;
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && raw.one.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Parses a raw query string (without `?`) the way Twisted does: pairs split on `&` and `;`,
 * pairs without `=` dropped, `+` turned into a space, then percent-decoding to bytes.
 */
export function parseSynapseQuery(rawQuery: string): QueryArgs {
  const args = new Map<string, Buffer[]>();
  for (const pair of rawQuery.split(/[&;]/)) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const key = percentDecodeToBytes(pair.slice(0, eq).replaceAll('+', ' ')).toString('latin1');
    const value = percentDecodeToBytes(pair.slice(eq + 1).replaceAll('+', ' '));
    const values = args.get(key);
    if (values) values.push(value);
    else args.set(key, [value]);
  }
  return args;
}

/** Queries parsed before, by their raw text: admin UIs and scripts ask the same few again and again. */
const repeatedQueries = new Map<string, QueryArgs>();
const REPEATED_QUERIES_MAX = 1_000;
const REPEATED_QUERY_LONGEST = 512;

/**
 * `parseSynapseQuery`, parsed once for a query seen before (a pure function of the text, and the parse of a short
 * query cost a cache hit about a fortieth of its CPU). A query that might carry a token is never kept: one naming
 * `access_token`, or with any `%` (a percent-encoded key could spell it). Long queries are not kept either, and the
 * oldest go first beyond {@link REPEATED_QUERIES_MAX}. The answer is shared: callers read it and never change it.
 */
export function repeatedQueryArgs(rawQuery: string): QueryArgs {
  if (rawQuery.length > REPEATED_QUERY_LONGEST || rawQuery.includes('%') || rawQuery.includes('access_token')) return parseSynapseQuery(rawQuery);
  let args = repeatedQueries.get(rawQuery);
  if (args === undefined) {
    args = parseSynapseQuery(rawQuery);
    if (repeatedQueries.size >= REPEATED_QUERIES_MAX) repeatedQueries.delete(repeatedQueries.keys().next().value!);
    repeatedQueries.set(rawQuery, args);
  }
  return args;
}

/** Splits a raw request target into its raw path and raw query (no decoding). */
export function splitTarget(target: string): { rawPath: string; rawQuery: string } {
  const q = target.indexOf('?');
  return q === -1
    ? { rawPath: target, rawQuery: '' }
    : { rawPath: target.slice(0, q), rawQuery: target.slice(q + 1) };
}

/** Reduces an absolute-form request target (`http://host/path?q`) to origin form (`/path?q`). */
export function originFormTarget(target: string): string {
  if (target.startsWith('/')) return target;
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (!match) return `/${target}`;
  const rest = target.slice(match[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}
