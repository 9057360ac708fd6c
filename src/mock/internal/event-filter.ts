// The subset of Matrix RoomEventFilter the mock applies to messages and context.
import type { StoredEvent } from '../data/types.ts';
import type { QueryArgs } from './query.ts';
import { queryJson } from './query.ts';
import { internalServerError } from './respond.ts';

export type EventPredicate = (event: StoredEvent) => boolean;

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : undefined;

/** Parses `filter`; a JSON value that is not an object crashes Synapse (500 M_UNKNOWN). */
export function eventFilterFromQuery(query: QueryArgs): EventPredicate {
  const parsed = queryJson(query, 'filter');
  if (!parsed.present) return () => true;
  const filter = parsed.value;
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw internalServerError();
  const fields = filter as Record<string, unknown>;
  const types = strings(fields.types);
  const notTypes = strings(fields.not_types) ?? [];
  const senders = strings(fields.senders);
  const notSenders = strings(fields.not_senders) ?? [];
  return (event) => (types === undefined || types.some((type) => matchesType(event.type, type)))
    && !notTypes.some((type) => matchesType(event.type, type))
    && (senders === undefined || senders.includes(event.sender))
    && !notSenders.includes(event.sender);
}

function matchesType(actual: string, pattern: string): boolean {
  return pattern.endsWith('*') ? actual.startsWith(pattern.slice(0, -1)) : actual === pattern;
}
