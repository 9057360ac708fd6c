// Reusing Synapse's own bytes when normalisation only added top-level members: serialising a 36 KB page again
// cost as much as parsing it.
import { asJsonObject } from './exact-json.ts';
import { jsonBytes } from './json-bytes.ts';

/** Whether two parsed JSON values are the same value: same primitives (raw numbers by identity), same keys in any order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i += 1) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let keys = 0;
  for (const key in left) {
    if (!Object.hasOwn(left, key)) continue;
    keys += 1;
    if (!Object.hasOwn(right, key) || !sameJson(left[key], right[key])) return false;
  }
  for (const key in right) if (Object.hasOwn(right, key)) keys -= 1;
  return keys === 0;
}

/**
 * The members `normalised` has at its top level beyond `original`, when that is all it changed: every member of
 * `original` is kept with the same value (recursively, in any key order); undefined when anything was dropped,
 * converted or filled in below the top level, or when either is not an object.
 */
export function topLevelAdditions(originalValue: unknown, normalisedValue: unknown): Record<string, unknown> | undefined {
  const original = asJsonObject(originalValue);
  const normalised = asJsonObject(normalisedValue);
  if (!original || !normalised) return undefined;
  for (const key in original) {
    if (!Object.hasOwn(original, key)) continue;
    if (!Object.hasOwn(normalised, key) || !sameJson(original[key], normalised[key])) return undefined;
  }
  const added: Record<string, unknown> = {};
  for (const key in normalised) if (Object.hasOwn(normalised, key) && !Object.hasOwn(original, key)) added[key] = normalised[key];
  return added;
}

const COMMA = Buffer.from(',');
const NOTHING = Buffer.alloc(0);
const isJsonSpace = (byte: number | undefined) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * The bytes of a JSON object with `members` appended before its closing brace, serialised as `jsonBytes` does;
 * `object` itself when there are none. `object` must be one JSON object (optionally surrounded by whitespace).
 */
export function withMembersAppended(object: Buffer, members: Record<string, unknown>): Buffer {
  const text = jsonBytes(members);
  if (text.length === 2) return object;
  let end = object.length - 1;
  while (isJsonSpace(object[end])) end -= 1;
  if (object[end] !== 0x7d) throw new Error('not a JSON object');
  let last = end - 1;
  while (isJsonSpace(object[last])) last -= 1;
  // The members' `{…}` without its opening brace, after a comma unless the object was empty.
  return Buffer.concat([object.subarray(0, end), object[last] === 0x7b ? NOTHING : COMMA, text.subarray(1)]);
}
