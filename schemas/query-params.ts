// Zod schemas for Synapse's query-parameter helpers, with Synapse's exact errors.
// Each takes a parameter's raw values (bytes): all of them (string helpers check every one, as Synapse's
// parse_strings_from_args does), one Buffer (treated as the only value), or undefined when absent.
// Synapse: synapse/http/servlet.py parse_integer, parse_boolean, parse_string, parse_enum, parse_json
import { z } from 'zod';
import { failWith as fail } from './matrix-issue.ts';

/** A query parameter's OpenAPI 3.1 (JSON Schema 2020-12) schema as a client writes it. */
export interface QueryParamSchema {
  type: 'integer' | 'string';
  minimum?: number;
  default?: number | string;
  enum?: readonly string[];
  minLength?: number;
  pattern?: string;
}

/**
 * How a query parameter is documented: its schema, or for a JSON-encoded parameter (`filter`) the schema of the
 * JSON value under `content` (OpenAPI 3.1: a client sends that value as JSON text), and whether it must be
 * present. Each helper below registers this for the schema it returns, so the OpenAPI document
 * (src/facade/openapi.ts) reads the parameter list from the same shapes the facade validates with.
 */
export type QueryParamDoc = { required: boolean; description: string } & (
  | { schema: QueryParamSchema; content?: never }
  | { content: { 'application/json': { schema: Record<string, unknown> } }; schema?: never }
);

/** Query parameter schema → its documentation (a side table: the schemas and their behaviour are unchanged). */
export const queryParamDocs = z.registry<QueryParamDoc, z.ZodType>();

/** A parameter's raw values: every value in order, or just the first, or undefined when absent. */
export type RawValues = Buffer | readonly Buffer[] | undefined;

const raw = z.custom<RawValues>(
  (value) => value === undefined || Buffer.isBuffer(value) || (Array.isArray(value) && value.length > 0 && value.every((item) => Buffer.isBuffer(item))),
);

/** Every value, in order ([] when absent). */
const valuesOf = (value: RawValues): readonly Buffer[] => (value === undefined ? [] : Buffer.isBuffer(value) ? [value] : value);

/**
 * Every raw value of each of `names`, for the schema helpers above: Synapse's integer and boolean helpers
 * read the first value, its string helpers decode and check them all. Synapse: synapse/http/servlet.py
 */
export function everyValueOf(args: ReadonlyMap<string, readonly Buffer[]>, names: readonly string[]): Record<string, RawValues> {
  const input: Record<string, RawValues> = {};
  for (const name of names) input[name] = args.get(name);
  return input;
}

/** Registers a helper's documentation and returns the very same schema. */
function withDoc<Schema extends z.ZodType>(doc: QueryParamDoc, schema: Schema): Schema {
  queryParamDocs.add(schema as z.ZodType, doc);
  return schema;
}

/** Python's `int(bytes)`: optional whitespace and sign, ASCII digits with single `_` between digits. */
const PYTHON_INT = /^[ \t\n\v\f\r]*([+-]?)(\d+(?:_\d+)*)[ \t\n\v\f\r]*$/;

/** Parses like Python `int()`; returns the value as a BigInt (Synapse has no upper bound) or undefined. */
export function parsePythonInt(text: string): bigint | undefined {
  const match = PYTHON_INT.exec(text);
  if (!match) return undefined;
  const magnitude = BigInt(match[2]!.replaceAll('_', ''));
  return match[1] === '-' ? -magnitude : magnitude;
}

/** Options of an integer parameter. */
export interface IntegerOptions {
  /** Value when absent; undefined means "absent stays absent". */
  defaultValue?: bigint;
  /** Missing → M_MISSING_PARAM. */
  required?: boolean;
}

/** `parse_integer(name, default, required, negative=False)`. */
export function synapseInteger(name: string, { defaultValue, required = false }: IntegerOptions = {}) {
  const doc: QueryParamDoc = {
    schema: { type: 'integer', minimum: 0, ...(defaultValue === undefined ? {} : { default: Number(defaultValue) }) },
    required,
    description: 'A non-negative integer (no upper bound); only the first value is read.',
  };
  return withDoc(doc, raw.transform((values, ctx): bigint | undefined => {
    const value = valuesOf(values)[0];
    if (value === undefined) {
      if (required) return fail(ctx, 'M_MISSING_PARAM', `Missing required integer query parameter ${name}`);
      return defaultValue;
    }
    const parsed = parsePythonInt(value.toString('latin1'));
    if (parsed === undefined) return fail(ctx, 'M_INVALID_PARAM', `Query parameter ${name} must be an integer`);
    if (parsed < 0n) return fail(ctx, 'M_INVALID_PARAM', `Query parameter ${name} must be a positive integer.`);
    return parsed;
  }));
}

/** `parse_boolean(name)`: exactly `true` or `false`. */
export function synapseBoolean(name: string) {
  // Exactly these two spellings: `True`, `1` or `yes` are refused (unlike z.coerce.boolean(), where "false" is true).
  const doc: QueryParamDoc = {
    schema: { type: 'string', enum: ['true', 'false'] },
    required: false,
    description: 'A boolean, spelt `true` or `false`; only the first value is read.',
  };
  return withDoc(doc, raw.transform((values, ctx): boolean | undefined => {
    const value = valuesOf(values)[0];
    if (value === undefined) return undefined;
    const text = value.toString('latin1');
    if (text === 'true') return true;
    if (text === 'false') return false;
    return fail(ctx, 'M_INVALID_PARAM', `Boolean query parameter '${name}' must be one of ['true', 'false']`);
  }));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes bytes as Synapse's parse_string does; undefined when the bytes are not in that encoding. */
function decodeAs(value: Buffer, encoding: 'ascii' | 'utf-8'): string | undefined {
  if (encoding === 'ascii') return value.every((byte) => byte < 0x80) ? value.toString('latin1') : undefined;
  try {
    return utf8.decode(value);
  } catch {
    return undefined;
  }
}

/** Options of a string parameter. */
export interface StringOptions<T extends string> {
  defaultValue?: T;
  allowedValues?: readonly T[];
  encoding?: 'ascii' | 'utf-8';
  /** When set, an empty value is rejected with this M_INVALID_PARAM text (rooms' `search_term`). */
  emptyError?: string;
  /** The documented pattern, when the route checks the text further (stream tokens); default: the encoding's. */
  pattern?: string;
  /** A sentence added to the documented description. */
  note?: string;
}

/**
 * Text `decodeAs(…, 'ascii')` takes: code points below 0x80 only. It ends with `(?![\s\S])`, not `$`, as the
 * patterns of schemas/identifiers.ts do: Python's `$` also matches before a final "\n".
 */
export const ASCII_PATTERN = '^[\\x00-\\x7F]*(?![\\s\\S])';

/** `parse_string(name, default, allowed_values, encoding)`; allowed values listed in Synapse's order. */
export function synapseString<T extends string = string>(
  name: string,
  { defaultValue, allowedValues, encoding = 'ascii', emptyError, pattern = encoding === 'ascii' ? ASCII_PATTERN : undefined, note }: StringOptions<T> = {},
) {
  const kind = allowedValues ? 'One of the listed values' : `${encoding === 'ascii' ? 'ASCII' : 'UTF-8'} text`;
  const doc: QueryParamDoc = {
    schema: {
      type: 'string',
      ...(allowedValues ? { enum: allowedValues } : pattern === undefined ? {} : { pattern }),
      ...(defaultValue === undefined ? {} : { default: defaultValue }),
      ...(emptyError === undefined ? {} : { minLength: 1 }),
    },
    required: false,
    description: `${kind}; every value is checked, the first is used.${note === undefined ? '' : ` ${note}`}`,
  };
  return withDoc(doc, raw.transform((values, ctx): T | undefined => {
    const all = valuesOf(values);
    if (all.length === 0) return defaultValue;
    // parse_strings_from_args decodes and checks every value, in order, then the servlet uses the first.
    const texts: string[] = [];
    for (const value of all) {
      const text = decodeAs(value, encoding);
      // Synapse raises SynapseError without an errcode here, hence M_UNKNOWN.
      if (text === undefined) return fail(ctx, 'M_UNKNOWN', `Query parameter '${name}' must be ${encoding}`);
      if (allowedValues && !allowedValues.includes(text as T)) {
        const list = allowedValues.map((allowed) => `'${allowed}'`).join(', ');
        return fail(ctx, 'M_INVALID_PARAM', `Query parameter '${name}' must be one of [${list}]`);
      }
      texts.push(text);
    }
    if (emptyError !== undefined && texts[0] === '') return fail(ctx, 'M_INVALID_PARAM', emptyError);
    return texts[0] as T;
  }));
}

/** `parse_enum(name, Direction, default="f")`. */
export const direction = synapseString<'b' | 'f'>('dir', { defaultValue: 'f', allowedValues: ['b', 'f'] });

/** Options of a JSON parameter. */
export interface JsonOptions {
  /** The documented JSON Schema of the value: what the route accepts, its own checks included. Default: any JSON. */
  schema?: Record<string, unknown>;
  /** A sentence added to the documented description. */
  note?: string;
}

/**
 * `parse_json(name)`: a utf-8 string, percent-decoded a second time, then strict JSON. Its docstring says a
 * value that is not a JSON object is refused; its code accepts any JSON value, and the facade follows the code
 * (what Synapse then fails on is in src/pipeline/synapse-crashes.ts). Returns the twice-decoded text, which is
 * what Synapse parses. Documented as a JSON-encoded parameter (OpenAPI `content`), with `schema`.
 */
export function synapseJson(name: string, { schema = {}, note }: JsonOptions = {}) {
  const doc: QueryParamDoc = {
    content: { 'application/json': { schema } },
    required: false,
    description:
      'JSON text; only the first value is parsed. Synapse (and the facade with it) percent-decodes the text a second time ' +
      'before parsing, so `%` and two hex digits inside it change its meaning (`%22` becomes a quote): write a literal `%` in the ' +
      `JSON text as \`%25\` (\`%2525\` on the wire).${note === undefined ? '' : ` ${note}`}`,
  };
  return withDoc(doc, raw.transform((values, ctx): string | undefined => {
    const all = valuesOf(values);
    if (all.length === 0) return undefined;
    // Every value is decoded (parse_string), only the first is parsed as JSON.
    const texts = all.map((value) => decodeAs(value, 'utf-8'));
    if (texts.includes(undefined)) return fail(ctx, 'M_UNKNOWN', `Query parameter '${name}' must be utf-8`);
    const text = texts[0]!;
    const twice = unquoteLikePython(text);
    try {
      JSON.parse(twice);
      return twice;
    } catch {
      return fail(ctx, 'M_NOT_JSON', `Query parameter ${name} must be a valid JSON object`);
    }
  }));
}

/** Python's `urllib.parse.unquote` (UTF-8, errors replaced, `+` untouched). */
function unquoteLikePython(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
}
