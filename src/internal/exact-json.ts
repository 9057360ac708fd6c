// JSON parsed so that every number is written back exactly as Synapse wrote it (big integers, `1.0`, `-0`, `1e2`).

/** A number kept as its JSON source text (`JSON.rawJSON`); `JSON.stringify` writes the text back verbatim. */
export interface RawJsonNumber {
  readonly rawJSON: string;
}

/** An integer as the facade holds one from Synapse: a number, or the source text of one JavaScript cannot hold exactly. */
export type JsonInteger = number | RawJsonNumber;

/** The reviver's third argument (ES2026 JSON.parse source text access); a primitive's `source` is its JSON text. */
interface ReviverContext {
  source?: string;
}

// Node 24 and later have JSON.parse source text access and JSON.rawJSON; TypeScript's es2024 lib does not describe them yet.
const json = JSON as unknown as {
  parse(text: string, reviver: (this: unknown, key: string, value: unknown, context: ReviverContext) => unknown): unknown;
  rawJSON(text: string): RawJsonNumber;
  isRawJSON(value: unknown): value is RawJsonNumber;
};

/**
 * Where a number of `text` might not survive `JSON.parse` + `JSON.stringify` unchanged. Only a number with a
 * fraction or an exponent, one starting `-0`, or one of 16 digits or more can change (an integer below 10^15
 * is exact and printed the same). Every number inside JSON text follows `:`, `[` or `,` and optional
 * whitespace, so none is missed; a match inside a string only costs the slower exact parse.
 */
const MAYBE_INEXACT = /[:,[][ \t\n\r]*(?:-0|-?[0-9](?:[0-9]{15}|[0-9]*[.eE]))/;
/** A text that is one bare number (kept apart from MAYBE_INEXACT: a `^|` alternative halves that scan's speed). */
const BARE_NUMBER = /^[ \t\n\r]*[-0-9]/;

function keepSourceOfInexact(this: unknown, _key: string, value: unknown, { source }: ReviverContext): unknown {
  return typeof value === 'number' && source !== undefined && String(value) !== source ? json.rawJSON(source) : value;
}

/**
 * `JSON.parse`, except that a number JavaScript would write differently from its source (beyond 2^53, `1.0`,
 * `-0`, `1e2`, `1E+2`) is kept as raw JSON, which `JSON.stringify` (and so `jsonBytes`) writes back verbatim.
 * Every other number stays a plain number. Text without such a number takes the plain, fast `JSON.parse`.
 * Throws a SyntaxError on text that is not JSON, as `JSON.parse` does.
 */
export function parseJsonExact(text: string): unknown {
  return MAYBE_INEXACT.test(text) || BARE_NUMBER.test(text) ? json.parse(text, keepSourceOfInexact) : JSON.parse(text);
}

/** Whether `value` is a number `parseJsonExact` kept as raw JSON. */
export const isRawJson = (value: unknown): value is RawJsonNumber => json.isRawJSON(value);

// A JSON number text Python's json module reads as an int (no fraction, no exponent).
const INTEGER_TEXT = /^-?(?:0|[1-9][0-9]*)$/;

/** An integer of any size: a number without fraction, or raw JSON written without fraction or exponent. */
export const isJsonInteger = (value: unknown): value is JsonInteger =>
  typeof value === 'number' ? Number.isInteger(value) : isRawJson(value) && INTEGER_TEXT.test(value.rawJSON);

/** The exact value of an integer, for comparisons that must not round beyond 2^53. */
export const integerValue = (value: JsonInteger): bigint => BigInt(typeof value === 'number' ? value : value.rawJSON);

/** The integer as Synapse wrote it. */
export const integerText = (value: JsonInteger): string => (typeof value === 'number' ? String(value) : value.rawJSON);

/** An integer of any size as raw JSON, written exactly (a document's `maximum: 9223372036854775807`, say). */
export const rawInteger = (value: bigint): RawJsonNumber => json.rawJSON(String(value));

/** A JSON object value, or undefined for anything else (array, primitive, null). */
export const asJsonObject = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

/** An answer or request body parsed as one JSON object (numbers exact); undefined when absent or anything else. */
export function jsonObjectOf(body: Buffer | undefined): Record<string, unknown> | undefined {
  if (!body) return undefined;
  try {
    return asJsonObject(parseJsonExact(body.toString('utf8')));
  } catch {
    return undefined;
  }
}
