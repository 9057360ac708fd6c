// Query-string parsing exactly as Twisted parse_qs plus Synapse's parse_* helpers (synapse/http/servlet.py).
import { MatrixError } from './respond.ts';
import { unquoteToBytes } from './percent.ts';

/** Parsed query: key (latin-1 of the decoded bytes) → all values as raw bytes, in order. */
export type QueryArgs = Map<string, Uint8Array[]>;

const latin1 = new TextDecoder('latin1');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Twisted: split on `&` and `;`, drop pairs without `=`, `+` → space, then percent-decode. */
export function parseQuery(search: string): QueryArgs {
  const args: QueryArgs = new Map();
  const raw = search.startsWith('?') ? search.slice(1) : search;
  for (const pair of raw.split(/[&;]/)) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = latin1.decode(unquoteToBytes(pair.slice(0, eq).replaceAll('+', ' ')));
    const value = unquoteToBytes(pair.slice(eq + 1).replaceAll('+', ' '));
    const list = args.get(key) ?? [];
    list.push(value);
    args.set(key, list);
  }
  return args;
}

const first = (args: QueryArgs, name: string): Uint8Array | undefined => args.get(name)?.[0];

/** Python int() of a text: whitespace, a sign, digits with single `_` between them; undefined when int() raises. */
export function pythonInt(text: string): bigint | undefined {
  const match = /^[ \t\n\r\v\f]*([+-]?)(\d+(?:_\d+)*)[ \t\n\r\v\f]*$/.exec(text);
  if (!match) return undefined;
  const magnitude = BigInt((match[2] ?? '').replaceAll('_', ''));
  return match[1] === '-' ? -magnitude : magnitude;
}

/** Synapse parse_integer, exact (Python ints have no bound): Python int() syntax, negatives rejected. */
export function queryBigInteger(args: QueryArgs, name: string, fallback?: bigint): bigint | undefined {
  const bytes = first(args, name);
  if (bytes === undefined) return fallback;
  const value = pythonInt(latin1.decode(bytes));
  if (value === undefined) throw new MatrixError(400, 'M_INVALID_PARAM', `Query parameter ${name} must be an integer`);
  if (value < 0n) throw new MatrixError(400, 'M_INVALID_PARAM', `Query parameter ${name} must be a positive integer.`);
  return value;
}

/** Synapse parse_integer as a JS number (beyond 2^53 it is only approximate, enough for paging in memory). */
export function queryInteger(args: QueryArgs, name: string, fallback?: number): number | undefined {
  const value = queryBigInteger(args, name, fallback === undefined ? undefined : BigInt(fallback));
  return value === undefined ? undefined : Number(value);
}

/** SQLite's INTEGER range: Python's sqlite3 raises OverflowError (Synapse: 500) binding anything outside it. */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Synapse binding an integer as an SQL parameter: a 500 outside SQLite's range. */
export function bindSqlInteger(value: bigint | undefined): void {
  if (value !== undefined && (value < INT64_MIN || value > INT64_MAX)) throw new MatrixError(500, 'M_UNKNOWN', 'Internal server error');
}

export function requireInteger(args: QueryArgs, name: string): bigint {
  const value = queryBigInteger(args, name);
  if (value === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', `Missing required integer query parameter ${name}`);
  return value;
}

/** Synapse parse_boolean: exactly `true` or `false`. */
export function queryBoolean(args: QueryArgs, name: string): boolean | undefined {
  const bytes = first(args, name);
  if (bytes === undefined) return undefined;
  const text = latin1.decode(bytes);
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new MatrixError(400, 'M_INVALID_PARAM', `Boolean query parameter '${name}' must be one of ['true', 'false']`);
}

/** Synapse _parse_string_value: decode with `encoding`, then check `allowed` (error lists them in Python repr). */
function decodeStringValue(bytes: Uint8Array, name: string, encoding: 'ascii' | 'utf-8', allowed?: readonly string[]): string {
  let text: string;
  if (encoding === 'ascii') {
    if (bytes.some((byte) => byte > 0x7f)) throw new MatrixError(400, 'M_UNKNOWN', `Query parameter '${name}' must be ascii`);
    text = latin1.decode(bytes);
  } else {
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      throw new MatrixError(400, 'M_UNKNOWN', `Query parameter '${name}' must be utf-8`);
    }
  }
  if (allowed && !allowed.includes(text)) {
    const list = allowed.map((value) => `'${value}'`).join(', ');
    throw new MatrixError(400, 'M_INVALID_PARAM', `Query parameter '${name}' must be one of [${list}]`);
  }
  return text;
}

/**
 * Synapse parse_string (via parse_strings_from_args): every value of a repeated key is decoded and checked, in
 * order, and the first is returned — unlike queryInteger/queryBoolean, which only read the first.
 */
export function queryString(
  args: QueryArgs, name: string, options: { encoding?: 'ascii' | 'utf-8'; allowed?: readonly string[]; fallback?: string } = {},
): string | undefined {
  const { encoding = 'ascii', allowed, fallback } = options;
  const values = args.get(name);
  if (values === undefined || values.length === 0) return fallback;
  return values.map((bytes) => decodeStringValue(bytes, name, encoding, allowed))[0];
}

export type Direction = 'b' | 'f';

/** Synapse parse_enum(Direction): `f` unless given. */
export function queryDirection(args: QueryArgs): Direction {
  return queryString(args, 'dir', { allowed: ['b', 'f'], fallback: 'f' }) === 'b' ? 'b' : 'f';
}

/** Synapse parse_json: utf-8 string, unquoted a second time, then strict JSON (any JSON value). */
export function queryJson(
  args: QueryArgs,
  name: string,
  reviver?: (key: string, value: unknown, context?: { source?: string }) => unknown,
): { present: false } | { present: true; value: unknown } {
  const text = queryString(args, name, { encoding: 'utf-8' });
  if (text === undefined) return { present: false };
  try {
    return { present: true, value: JSON.parse(new TextDecoder().decode(unquoteToBytes(text)), reviver) };
  } catch {
    throw new MatrixError(400, 'M_NOT_JSON', `Query parameter ${name} must be a valid JSON object`);
  }
}
