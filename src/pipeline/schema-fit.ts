// A yes/no check of a Synapse answer against its Zod contract, built once per schema from Zod's own definition.
// Zod's parse also builds the parsed output and its issues; the pipeline only needs to know whether a body fits
// (the body it sends on is the parsed JSON, not Zod's output), so on a 100-room page this costs a fraction of it.
// Only the kinds of schema the contracts use are understood; any other kind makes `fitOf` fall back to Zod.
import type { z } from 'zod';

/** Whether a value fits: the same answer as `schema.safeParse(value).success`. */
export type Fit = (value: unknown) => boolean;

/** What this module reads of a Zod schema's definition. */
interface Definition {
  type: string;
  checks?: readonly unknown[];
  shape?: Record<string, { _zod: { def: Definition } }>;
  catchall?: { _zod: { def: Definition } };
  element?: { _zod: { def: Definition } };
  innerType?: { _zod: { def: Definition } };
  options?: ReadonlyArray<{ _zod: { def: Definition } }>;
  values?: readonly unknown[];
  fn?: (value: unknown) => unknown;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Compiles one definition, or undefined when it holds a kind (or a check) this module does not understand. */
function compile(def: Definition, generate: boolean): Fit | undefined {
  // Checks (lengths, formats, refinements) live on the definition; a custom schema's own function is its check.
  if (def.type !== 'custom' && def.checks !== undefined && def.checks.length > 0) return undefined;
  switch (def.type) {
    case 'unknown':
    case 'any':
      return () => true;
    case 'string':
      return (value) => typeof value === 'string';
    case 'boolean':
      return (value) => typeof value === 'boolean';
    case 'null':
      return (value) => value === null;
    case 'literal': {
      const values = new Set(def.values);
      return (value) => values.has(value);
    }
    case 'custom': {
      const { fn } = def;
      if (fn === undefined || (def.checks !== undefined && def.checks.length > 1)) return undefined;
      return (value) => Boolean(fn(value));
    }
    case 'optional':
    case 'nullable': {
      const inner = def.innerType && compile(def.innerType._zod.def, generate);
      if (inner === undefined) return undefined;
      return def.type === 'optional' ? (value) => value === undefined || inner(value) : (value) => value === null || inner(value);
    }
    case 'array': {
      const element = def.element && compile(def.element._zod.def, generate);
      if (element === undefined) return undefined;
      // Loops, not every/some with a closure: a 100-room page's check allocated one per room and per union.
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (let i = 0; i < value.length; i += 1) if (!element(value[i])) return false;
        return true;
      };
    }
    case 'union': {
      const options = (def.options ?? []).map((option) => compile(option._zod.def, generate));
      if (options.length === 0 || options.some((option) => option === undefined)) return undefined;
      const fits = options as Fit[];
      return (value) => {
        for (let i = 0; i < fits.length; i += 1) if (fits[i]!(value)) return true;
        return false;
      };
    }
    case 'object':
      return compileObject(def, generate);
    default:
      return undefined;
  }
}

/** An object: every shape key fits; other keys are allowed (loose or stripping), or refused (strict). */
function compileObject(def: Definition, generate: boolean): Fit | undefined {
  const keys = Object.keys(def.shape ?? {});
  const fields: Fit[] = [];
  for (const key of keys) {
    const field = compile(def.shape![key]!._zod.def, generate);
    if (field === undefined) return undefined;
    fields.push(field);
  }
  const extra = def.catchall?._zod.def.type;
  if (extra !== undefined && extra !== 'unknown' && extra !== 'any' && extra !== 'never') return undefined;
  const known = new Set(keys);
  const strict = extra === 'never';
  if (generate) return generatedObjectFit(keys, fields, known, strict);
  return (value) => {
    if (!isObject(value)) return false;
    for (let i = 0; i < keys.length; i += 1) if (!fields[i]!(value[keys[i]!])) return false;
    if (strict) for (const key in value) if (!known.has(key)) return false;
    return true;
  };
}

/**
 * The same check as a function whose source names each key, as Zod's own object parser is built: V8 then reads
 * each field through its own inline cache, where reading `value[keys[i]]` in a loop is one megamorphic lookup per
 * field (a 100-room page: 1,500 of them, about three quarters of the check's time, 25 against 6 µs). Only the
 * schema's own keys, each written as a JSON string literal, go into the source; never anything from a request or
 * an answer.
 */
function generatedObjectFit(keys: readonly string[], fields: readonly Fit[], known: ReadonlySet<string>, strict: boolean): Fit {
  const reads = keys.map((key, i) => `if (!fields[${i}](value[${JSON.stringify(key)}])) return false;`).join('\n');
  const source = `return function fits(value) {
    if (!isObject(value)) return false;
    ${reads}
    if (strict) for (const key in value) if (!known.has(key)) return false;
    return true;
  };`;
  const make = new Function('fields', 'isObject', 'known', 'strict', source) as (...args: unknown[]) => Fit;
  return make(fields, isObject, known, strict);
}

/** Whether this process may compile code from strings (`node --disallow-code-generation-from-strings` forbids it). */
const CAN_GENERATE = (() => {
  try {
    new Function('');
    return true;
  } catch {
    return false;
  }
})();

/**
 * The fast check of `schema`, or undefined when it holds a kind this module does not know. Objects are checked by
 * generated functions when the process allows it; `generate: false` builds closures only (the same answers).
 */
export const compileFit = (schema: z.ZodType, { generate = true }: { generate?: boolean } = {}): Fit | undefined =>
  compile((schema as unknown as { _zod: { def: Definition } })._zod.def, generate && CAN_GENERATE);

const compiled = new WeakMap<z.ZodType, Fit>();

/** The fast check of `schema`, built on first use; Zod's own `safeParse` when the schema holds a kind this module does not know. */
export function fitOf(schema: z.ZodType): Fit {
  let fit = compiled.get(schema);
  if (fit === undefined) {
    fit = compileFit(schema) ?? ((value) => schema.safeParse(value).success);
    compiled.set(schema, fit);
  }
  return fit;
}
