// Which `filter` JSON makes Synapse's event filter fail (500) instead of filtering, reproducing how Synapse 1.163
// reads it: Python truthiness and iteration, `"*" in type`, and SQLite parameter binding.
// Synapse: synapse/api/filtering.py Filter (__init__, _check_fields, _matches_wildcard),
// synapse/storage/databases/main/stream.py filter_to_clause.

/** A JSON integer literal outside SQLite's INTEGER range: Python keeps it exact, and binding it fails. */
const OUT_OF_INT64 = Symbol('integer outside int64');

/** SQLite's INTEGER range (signed 64 bits); Python's sqlite3 refuses to bind anything outside it. */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses JSON like Python's json module as far as this check needs: an integer literal outside int64 becomes
 * {@link OUT_OF_INT64} (JSON.parse would round it to a float, which binds fine). Throws on invalid JSON.
 */
export function parseFilterJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) => {
    const source = context?.source;
    if (typeof value !== 'number' || source === undefined || !/^-?\d+$/.test(source)) return value;
    const integer = BigInt(source);
    return integer < INT64_MIN || integer > INT64_MAX ? OUT_OF_INT64 : value;
  });
}

/** Python's truth value of a parsed JSON value. */
export function isTruthy(value: unknown): boolean {
  if (value === OUT_OF_INT64) return true;
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** What Python's `for item in value` yields (strings give characters, objects their keys); undefined when it raises. */
function pythonItems(value: unknown): unknown[] | undefined {
  if (typeof value === 'string') return [...value];
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object') return Object.keys(value);
  return undefined;
}

/** Whether Python's sqlite3 can bind the value as a query parameter (None, bool, int64, float, str). */
const isBindable = (value: unknown): boolean => value === null || ['boolean', 'number', 'string'].includes(typeof value);

/** How Synapse uses one list field of the filter. */
export interface ListField {
  /** When Synapse iterates it: always (its default is `[]`), unless it is null, or only when it is truthy. */
  iterated: 'always' | 'unless-null' | 'when-truthy';
  /** What each item must be: a string (`"*" in t`, `t.endswith`), bindable (an SQL parameter), or anything. */
  items: 'string' | 'bindable' | 'any';
}

/** The filter's list fields and how Synapse uses each; schemas/events.ts documents `filter` from it. */
export const LIST_FIELDS: Readonly<Record<string, ListField>> = {
  types: { iterated: 'unless-null', items: 'string' },
  not_types: { iterated: 'always', items: 'string' },
  senders: { iterated: 'unless-null', items: 'bindable' },
  not_senders: { iterated: 'always', items: 'bindable' },
  rooms: { iterated: 'unless-null', items: 'bindable' },
  not_rooms: { iterated: 'always', items: 'bindable' },
  'org.matrix.labels': { iterated: 'unless-null', items: 'bindable' },
  // Only compared in Python (`label in event_labels`), never bound.
  'org.matrix.not_labels': { iterated: 'always', items: 'any' },
  related_by_senders: { iterated: 'when-truthy', items: 'bindable' },
  related_by_rel_types: { iterated: 'when-truthy', items: 'bindable' },
};

/**
 * The first field of a filter object Synapse cannot use, with what it must be; undefined when Synapse can use
 * them all. Falsy `types`/`senders`/… and non-list iterables (a string, an object) are left alone: Synapse
 * accepts them (a string is read character by character).
 */
export function unusableFilterField(filter: Readonly<Record<string, unknown>>): { field: string; expected: string } | undefined {
  for (const [field, { iterated, items }] of Object.entries(LIST_FIELDS)) {
    if (!Object.hasOwn(filter, field)) continue;
    const value = filter[field];
    if ((iterated === 'unless-null' && value === null) || (iterated === 'when-truthy' && !isTruthy(value))) continue;
    const listed = pythonItems(value);
    const fits = (item: unknown) => items === 'any' || (items === 'string' ? typeof item === 'string' : isBindable(item));
    if (listed === undefined || !listed.every(fits)) return { field, expected: 'a list of strings' };
  }
  // Bound as an SQL parameter when truthy.
  if (isTruthy(filter.contains_url) && !isBindable(filter.contains_url)) return { field: 'contains_url', expected: 'a boolean' };
  return undefined;
}
