// Zod schemas for Synapse's query-parameter helpers, with Synapse's exact errors.
// Each takes the first raw value (bytes) of a parameter, or undefined when absent.
// Synapse: synapse/http/servlet.py parse_integer, parse_boolean, parse_string, parse_enum, parse_json
import { z } from 'zod';

/** A Matrix error carried inside a Zod issue, so the first failing parameter decides the answer. */
export interface MatrixIssueParams {
  errcode: string;
  status: number;
}

type Ctx = z.core.$RefinementCtx<unknown>;

function fail(ctx: Ctx, errcode: string, message: string, status = 400): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, params: { errcode, status } satisfies MatrixIssueParams });
  return z.NEVER;
}

const raw = z.custom<Buffer | undefined>((value) => value === undefined || Buffer.isBuffer(value));

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
  return raw.transform((value, ctx): bigint | undefined => {
    if (value === undefined) {
      if (required) return fail(ctx, 'M_MISSING_PARAM', `Missing required integer query parameter ${name}`);
      return defaultValue;
    }
    const parsed = parsePythonInt(value.toString('latin1'));
    if (parsed === undefined) return fail(ctx, 'M_INVALID_PARAM', `Query parameter ${name} must be an integer`);
    if (parsed < 0n) return fail(ctx, 'M_INVALID_PARAM', `Query parameter ${name} must be a positive integer.`);
    return parsed;
  });
}

/** `parse_boolean(name)`: exactly `true` or `false`. */
export function synapseBoolean(name: string) {
  return raw.transform((value, ctx): boolean | undefined => {
    if (value === undefined) return undefined;
    const text = value.toString('latin1');
    if (text === 'true') return true;
    if (text === 'false') return false;
    return fail(ctx, 'M_INVALID_PARAM', `Boolean query parameter '${name}' must be one of ['true', 'false']`);
  });
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
}

/** `parse_string(name, default, allowed_values, encoding)`; allowed values listed in Synapse's order. */
export function synapseString<T extends string = string>(
  name: string,
  { defaultValue, allowedValues, encoding = 'ascii', emptyError }: StringOptions<T> = {},
) {
  return raw.transform((value, ctx): T | undefined => {
    if (value === undefined) return defaultValue;
    const text = decodeAs(value, encoding);
    // Synapse raises SynapseError without an errcode here, hence M_UNKNOWN.
    if (text === undefined) return fail(ctx, 'M_UNKNOWN', `Query parameter '${name}' must be ${encoding}`);
    if (emptyError !== undefined && text === '') return fail(ctx, 'M_INVALID_PARAM', emptyError);
    if (allowedValues && !allowedValues.includes(text as T)) {
      const list = allowedValues.map((allowed) => `'${allowed}'`).join(', ');
      return fail(ctx, 'M_INVALID_PARAM', `Query parameter '${name}' must be one of [${list}]`);
    }
    return text as T;
  });
}

/** `parse_enum(name, Direction, default="f")`. */
export const direction = synapseString<'b' | 'f'>('dir', { defaultValue: 'f', allowedValues: ['b', 'f'] });

/**
 * `parse_json(name)`: a utf-8 string, percent-decoded a second time, then strict JSON (any JSON value;
 * Synapse does not check it is an object). Returns the twice-decoded text, which is what Synapse parses.
 */
export function synapseJson(name: string) {
  return raw.transform((value, ctx): string | undefined => {
    if (value === undefined) return undefined;
    const text = decodeAs(value, 'utf-8');
    if (text === undefined) return fail(ctx, 'M_UNKNOWN', `Query parameter '${name}' must be utf-8`);
    const twice = unquoteLikePython(text);
    try {
      JSON.parse(twice);
      return twice;
    } catch {
      return fail(ctx, 'M_NOT_JSON', `Query parameter ${name} must be a valid JSON object`);
    }
  });
}

/** Python's `urllib.parse.unquote` (UTF-8, errors replaced, `+` untouched). */
function unquoteLikePython(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'));
}
