// The subset of Matrix RoomEventFilter the mock applies to messages and context, failing where Synapse fails.
// Synapse: synapse/api/filtering.py Filter; synapse/storage/databases/main/stream.py filter_to_clause.
import type { StoredEvent } from '../data/types.ts';
import type { QueryArgs } from './query.ts';
import { queryJson } from './query.ts';
import { internalServerError } from './respond.ts';

/** A parsed filter: `toClause` builds Synapse's SQL (which can fail), `accepts` is its Python-side check. */
export interface EventFilter {
  toClause(): void;
  accepts(event: StoredEvent): boolean;
}

/** An integer JSON literal kept exact, as Python's json module does (SQLite cannot bind one beyond 64 bits). */
class BigJsonInteger {
  readonly value: bigint;
  constructor(value: bigint) {
    this.value = value;
  }
}

/** Python's truth value. */
function truthy(value: unknown): boolean {
  if (value instanceof BigJsonInteger) return value.value !== 0n;
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Python's `for item in value`: a TypeError (500) for None, numbers and booleans. */
function iterate(value: unknown): unknown[] {
  if (typeof value === 'string') return [...value];
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === 'object' && !(value instanceof BigJsonInteger)) return Object.keys(value);
  throw internalServerError();
}

/** sqlite3 parameter binding: lists, dicts and integers beyond 64 bits are refused (500). */
function bind(value: unknown): void {
  if (value instanceof BigJsonInteger && (value.value < -(2n ** 63n) || value.value >= 2n ** 63n)) throw internalServerError();
  if (value !== null && typeof value === 'object' && !(value instanceof BigJsonInteger)) throw internalServerError();
}

/** `"*" in pattern`, then `pattern.replace` / `pattern.endswith`: only a string survives all of them. */
function typePattern(value: unknown): string {
  if (typeof value !== 'string') throw internalServerError();
  return value;
}

const NO_FILTER: EventFilter = { toClause: () => undefined, accepts: () => true };

/**
 * Parses `filter` (twice unquoted, any JSON value). A falsy value means no filter; any other value that is not
 * an object fails in `Filter.__init__` (500), as in Synapse.
 */
export function eventFilterFromQuery(query: QueryArgs): EventFilter {
  const parsed = queryJson(query, 'filter', (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && context?.source !== undefined && /^-?\d+$/.test(context.source) ? new BigJsonInteger(BigInt(context.source)) : value);
  if (!parsed.present || !truthy(parsed.value)) return NO_FILTER;
  const filter = parsed.value;
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter) || filter instanceof BigJsonInteger) throw internalServerError();
  const get = (name: string, fallback: unknown): unknown => (name in filter ? (filter as Record<string, unknown>)[name] : fallback);
  const types = get('types', null);
  const notTypes = get('not_types', []);
  const senders = get('senders', null);
  const notSenders = get('not_senders', []);
  const rooms = get('rooms', null);
  const notRooms = get('not_rooms', []);
  const containsUrl = get('contains_url', null);
  const labels = get('org.matrix.labels', null);
  const relatedSenders = get('related_by_senders', null);
  const relatedRelTypes = get('related_by_rel_types', null);
  return {
    toClause() {
      if (truthy(types)) iterate(types).forEach((type) => bind(typePattern(type)));
      iterate(notTypes).forEach((type) => bind(typePattern(type)));
      for (const list of [senders, rooms, labels, relatedSenders, relatedRelTypes]) if (truthy(list)) iterate(list).forEach(bind);
      for (const list of [notSenders, notRooms]) iterate(list).forEach(bind);
      if (truthy(containsUrl)) bind(containsUrl);
    },
    accepts(event) {
      const matchType = (pattern: unknown) => {
        const text = typePattern(pattern);
        return text.endsWith('*') ? event.type.startsWith(text.slice(0, -1)) : event.type === text;
      };
      const matchSender = (sender: unknown) => sender === event.sender;
      const matchRoom = (room: unknown) => room === event.roomId;
      // Synapse: Filter._check_fields — the `not_` list first, then the allowed list unless it is None.
      for (const [allowed, disallowed, matches] of [[types, notTypes, matchType], [senders, notSenders, matchSender], [rooms, notRooms, matchRoom]] as const) {
        if (iterate(disallowed).some(matches)) return false;
        if (allowed !== null && !iterate(allowed).some(matches)) return false;
      }
      return true;
    },
  };
}
