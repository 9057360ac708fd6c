// GET /_synapse/admin/v1/rooms — list with ordering, search and paging (Synapse: rest/admin/rooms.py, storage room.py get_rooms_paginate).
import type { Route } from '../internal/route.ts';
import type { MockState } from '../data.ts';
import type { RoomRecord } from '../data/types.ts';
import type { RoomStats } from '../data/room-stats.ts';
import type { SqlValue } from '../internal/sqlite.ts';
import { MatrixError } from '../internal/respond.ts';
import { bindSqlInteger, queryBigInteger, queryBoolean, queryDirection, queryInteger, queryString } from '../internal/query.ts';
import { compareSqlValues, likeMatcher, page } from '../internal/sqlite.ts';
import { roomStats, sqlBoolean } from '../data/room-stats.ts';

interface Row { room: RoomRecord; stats: RoomStats }
interface SortedRow extends Row { sortValue: SqlValue }
type Column = (row: Row) => SqlValue;

const str = (pick: (stats: RoomStats) => string | null): Column => (row) => pick(row.stats);
/** order_by → column and whether its base direction is DESC; in Synapse's declaration order (used in the error text). */
const ORDERINGS: ReadonlyArray<readonly [string, Column, boolean]> = [
  ['alphabetical', str((s) => s.name), false],
  ['size', (row) => row.stats.joinedMembers, true],
  ['name', str((s) => s.name), false],
  ['canonical_alias', str((s) => s.canonicalAlias), false],
  ['joined_members', (row) => row.stats.joinedMembers, true],
  ['joined_local_members', (row) => row.stats.joinedLocalMembers, true],
  ['version', (row) => row.room.version, true],
  ['creator', (row) => row.room.creator, false],
  ['encryption', str((s) => s.encryption), false],
  ['federatable', (row) => (row.stats.federatable ? 1 : 0), false],
  ['public', (row) => (row.room.isPublic ? 1 : 0), false],
  ['join_rules', str((s) => s.joinRules), false],
  ['guest_access', str((s) => s.guestAccess), false],
  ['history_visibility', str((s) => s.historyVisibility), false],
  ['state_events', (row) => row.stats.stateEvents, true],
];

/** Synapse: search_term matches name (LIKE), canonical alias localpart (LIKE) or the exact room ID. */
function searchMatcher(term: string): (row: Row) => boolean {
  const lowered = term.toLowerCase();
  const nameLike = likeMatcher(`%${lowered}%`);
  const aliasLike = likeMatcher(`#%${lowered}%:%`);
  return (row) => (row.stats.name !== null && nameLike(row.stats.name))
    || (row.stats.canonicalAlias !== null && aliasLike(row.stats.canonicalAlias))
    || row.room.roomId === term;
}

function renderListRoom({ room, stats }: Row): Record<string, unknown> {
  const item: Record<string, unknown> = {
    room_id: room.roomId, name: stats.name, canonical_alias: stats.canonicalAlias,
    joined_members: stats.joinedMembers, joined_local_members: stats.joinedLocalMembers, version: room.version,
    creator: room.creator, encryption: stats.encryption, federatable: sqlBoolean(room, stats.federatable),
    public: sqlBoolean(room, room.isPublic), join_rules: stats.joinRules, guest_access: stats.guestAccess,
    history_visibility: stats.historyVisibility, state_events: stats.stateEvents,
  };
  if (!room.legacyShape) item.room_type = stats.roomType;
  return item;
}

/** What selects and orders the list (everything but the page). */
interface Selection {
  orderBy: string;
  descending: boolean;
  term: string | undefined;
  publicRooms: boolean | undefined;
  emptyRooms: boolean | undefined;
}

function selectAndSort(state: MockState, selection: Selection): Row[] {
  const { term, publicRooms, emptyRooms, descending } = selection;
  const [, column] = ORDERINGS.find(([name]) => name === selection.orderBy) ?? ORDERINGS[2] ?? ['name', str((s) => s.name)];
  const matchesSearch = term === undefined ? undefined : searchMatcher(term);
  const rows: SortedRow[] = [];
  for (const room of state.rooms.values()) {
    const row = { room, stats: roomStats(room) };
    if (matchesSearch !== undefined && !matchesSearch(row)) continue;
    if (publicRooms !== undefined && room.isPublic !== publicRooms) continue;
    if (emptyRooms !== undefined && (row.stats.joinedMembers === 0) !== emptyRooms) continue;
    rows.push({ ...row, sortValue: column(row) });
  }
  // Synapse: ORDER BY <column> <dir>, room_id <dir> — the tiebreak follows the direction.
  const sign = descending ? -1 : 1;
  return rows.sort((a, b) => sign * (compareSqlValues(a.sortValue, b.sortValue) || compareSqlValues(a.room.roomId, b.room.roomId)));
}

/** Per mock instance, the last sorted list and what it was sorted for: a sweep asks for one order page after page. */
const lastSorted = new WeakMap<MockState, { key: string; rows: Row[] }>();

/**
 * The sorted list, reused while nothing it depends on can have changed. The list's columns change only with the
 * room set or the rooms' state: a new room and every state change append an event (the stream position moves),
 * and a purge shrinks the set; block flags, extremities and forgotten flags are not listed.
 */
function sortedRooms(state: MockState, selection: Selection): Row[] {
  const key = JSON.stringify([state.events.currentStreamOrdering(), state.rooms.size, selection]);
  const cached = lastSorted.get(state);
  if (cached?.key === key) return cached.rows;
  const rows = selectAndSort(state, selection);
  lastSorted.set(state, { key, rows });
  return rows;
}

export const listRoomsRoute: Route = {
  methods: ['GET'],
  pattern: /^\/_synapse\/admin\/v1\/rooms$/,
  auth: 'admin',
  handle({ query, state }) {
    const from = queryInteger(query, 'from', 0) ?? 0;
    const limit = queryInteger(query, 'limit', 100) ?? 100;
    const orderBy = queryString(query, 'order_by', { allowed: ORDERINGS.map(([name]) => name), fallback: 'name' }) ?? 'name';
    const term = queryString(query, 'search_term', { encoding: 'utf-8' });
    if (term === '') throw new MatrixError(400, 'M_INVALID_PARAM', 'search_term cannot be an empty string');
    const publicRooms = queryBoolean(query, 'public_rooms');
    const emptyRooms = queryBoolean(query, 'empty_rooms');
    const reverse = queryDirection(query) === 'b';
    // The query binds both as SQL parameters once every parameter is read.
    bindSqlInteger(queryBigInteger(query, 'from'));
    bindSqlInteger(queryBigInteger(query, 'limit'));
    const baseDescending = ORDERINGS.find(([name]) => name === orderBy)?.[2] ?? false;
    const rows = sortedRooms(state, { orderBy, descending: baseDescending !== reverse, term, publicRooms, emptyRooms });
    const response: Record<string, unknown> = { rooms: page(rows, from, limit).map(renderListRoom), offset: from, total_rooms: rows.length };
    if (from + limit < rows.length) response.next_batch = from + limit;
    if (from > 0) response.prev_batch = from > limit ? from - limit : 0;
    return response;
  },
};
