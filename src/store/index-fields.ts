// The fields the room and destination index keeps: every field of Synapse's two list answers, declared once
// for the table, the filters, the sort orders and the answers.

/** How a field is stored and compared: text, a 64-bit integer, or a boolean kept as 0/1. */
export type IndexFieldType = 'text' | 'integer' | 'boolean';

/** The two indexes. */
export type IndexKind = 'rooms' | 'destinations';

/** One field of a list item, as a column of the index. */
export interface IndexField {
  name: string;
  type: IndexFieldType;
}

/** Every field of Synapse's room list item (synapse/storage/databases/main/room.py get_rooms_paginate). */
export const ROOM_FIELDS: readonly IndexField[] = [
  { name: 'name', type: 'text' },
  { name: 'canonical_alias', type: 'text' },
  { name: 'joined_members', type: 'integer' },
  { name: 'joined_local_members', type: 'integer' },
  { name: 'version', type: 'text' },
  { name: 'creator', type: 'text' },
  { name: 'encryption', type: 'text' },
  { name: 'federatable', type: 'boolean' },
  { name: 'public', type: 'boolean' },
  { name: 'join_rules', type: 'text' },
  { name: 'guest_access', type: 'text' },
  { name: 'history_visibility', type: 'text' },
  { name: 'state_events', type: 'integer' },
  { name: 'room_type', type: 'text' },
];

/** Every field of Synapse's destinations list item (synapse/storage/databases/main/transactions.py). */
export const DESTINATION_FIELDS: readonly IndexField[] = [
  { name: 'retry_last_ts', type: 'integer' },
  { name: 'retry_interval', type: 'integer' },
  { name: 'failure_ts', type: 'integer' },
  { name: 'last_successful_stream_ordering', type: 'integer' },
];

/** Per index: its table, its key column, its fields, and the fields `q` searches (the key always). */
export const INDEXES: Readonly<Record<IndexKind, { table: string; key: string; fields: readonly IndexField[]; searched: readonly string[] }>> = {
  rooms: { table: 'index_rooms', key: 'room_id', fields: ROOM_FIELDS, searched: ['name', 'canonical_alias', 'creator'] },
  destinations: { table: 'index_destinations', key: 'destination', fields: DESTINATION_FIELDS, searched: [] },
};

/**
 * The text `q` is matched against: the key and the searched fields, lower-cased the Unicode way
 * (`toLowerCase` after NFKC) and joined by U+001F (SQLite reads text only up to a NUL), so accented and full-width letters match alike on every database.
 */
export function searchTextOf(kind: IndexKind, key: string, item: Readonly<Record<string, unknown>>): string {
  const parts = [key, ...INDEXES[kind].searched.map((name) => item[name])].filter((part): part is string => typeof part === 'string');
  return normaliseSearch(parts.join('\u001f'));
}

/** How a search text and a `q` are normalised before comparing. */
export const normaliseSearch = (text: string): string => text.normalize('NFKC').toLowerCase();
