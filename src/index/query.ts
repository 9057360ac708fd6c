// Listings of the room and destination index: a query's filters as the store's IndexFilter, the index's age
// (no answer before its first complete sweep), and one keyset page with its cursors and total.
import { ageSeconds } from './summary.ts';
import type { IndexedDestinationOut, IndexedRoomOut, RoomFilterIn } from '../../schemas/index-query.ts';
import { FacadeError } from '../errors.ts';
import { fromStore } from '../pipeline/store-answer.ts';
import type { IndexKind } from '../store/index-fields.ts';
import { IndexQueries } from '../store/index-store.ts';
import type { IndexedRow, IndexFilter, IndexPosition, Store } from '../store/store.ts';
import { decodeCursor, encodeCursor, type CursorBinding } from './cursor.ts';

/** The header every answer from the index carries: whole seconds since its last complete sweep finished. */
export const INDEX_AGE_HEADER = 'X-Facade-Index-Age';

/** Room fields filtered by exact value (an empty value or null: the field is missing). */
const TEXT_FILTERS = ['room_type', 'join_rules', 'guest_access', 'history_visibility', 'version', 'creator'] as const;
/** Room fields with `_min`/`_max` bounds. */
const RANGE_FILTERS = ['joined_members', 'joined_local_members', 'state_events'] as const;

type Bounds = { min?: number; max?: number };

/** Both bounds at once: the larger minimum and the smaller maximum (`empty` and `joined_local_members_*` combine). */
function narrowed(bounds: Bounds | undefined, min: number | undefined, max: number | undefined): Bounds {
  const lower = [bounds?.min, min].filter((value) => value !== undefined);
  const upper = [bounds?.max, max].filter((value) => value !== undefined);
  return { ...(lower.length ? { min: Math.max(...lower) } : {}), ...(upper.length ? { max: Math.min(...upper) } : {}) };
}

/**
 * The store filter of a room query. Built in a fixed key order, since cursors are bound to its JSON.
 * `empty` follows Synapse's `empty_rooms` (joined_local_members = 0); a room with no count matches neither value.
 */
export function roomFilterOf(query: RoomFilterIn): IndexFilter {
  const equals: Record<string, string | boolean> = {};
  const present: Record<string, boolean> = {};
  const ranges: Record<string, Bounds> = {};
  if (query.public !== undefined) equals.public = query.public;
  if (query.federatable !== undefined) equals.federatable = query.federatable;
  if (query.encrypted !== undefined) present.encryption = query.encrypted;
  for (const name of TEXT_FILTERS) {
    const value = query[name];
    if (value === null) present[name] = false;
    else if (value !== undefined) equals[name] = value;
  }
  for (const name of RANGE_FILTERS) {
    const bounds = narrowed(undefined, query[`${name}_min`], query[`${name}_max`]);
    if (bounds.min !== undefined || bounds.max !== undefined) ranges[name] = bounds;
  }
  if (query.empty !== undefined) ranges.joined_local_members = narrowed(ranges.joined_local_members, query.empty ? undefined : 1, query.empty ? 0 : undefined);
  return {
    ...(query.q ? { q: query.q } : {}),
    ...(Object.keys(equals).length ? { equals } : {}),
    ...(Object.keys(present).length ? { present } : {}),
    ...(Object.keys(ranges).length ? { ranges } : {}),
    ...(query.blocked === undefined ? {} : { blocked: query.blocked }),
  };
}

/** The store filter of a destination query: `failing` is "has a failure_ts". */
export function destinationFilterOf(query: { q?: string; failing?: boolean }): IndexFilter {
  return {
    ...(query.q ? { q: query.q } : {}),
    ...(query.failing === undefined ? {} : { present: { failure_ts: query.failing } }),
  };
}

const NAMES: Readonly<Record<IndexKind, string>> = { rooms: "room index (Synapse's room list)", destinations: "destination index (Synapse's destinations list)" };

/**
 * Seconds since the index's last complete sweep finished. Before the first one the index is refused with
 * 503 M_UNKNOWN rather than answered partial or empty: a listing, an export or a job's filter would otherwise
 * quietly miss rooms the facade has not read yet.
 */
export async function indexAgeSeconds(store: Store, kind: IndexKind, now = Date.now()): Promise<number> {
  const sweep = await fromStore(() => store.lastIndexSweep(kind));
  if (!sweep) throw new FacadeError(503, 'M_UNKNOWN', `The ${NAMES[kind]} is not ready: no complete sweep has finished yet`);
  return ageSeconds(sweep.finishedAt, now);
}

/** A row's position in the order of `binding`, for a cursor. */
export const positionOf = (binding: CursorBinding, row: IndexedRow): IndexPosition => ({
  value: IndexQueries.sortValue(binding.kind, binding.orderBy, row),
  key: row.key,
});

/** One page and how to move from it. */
export interface IndexPage {
  rows: IndexedRow[];
  total: number;
  nextCursor?: string;
  prevCursor?: string;
}

/**
 * The page `cursor` leads to (the first page without one), with the total of the filtered set. Each cursor
 * is a position, not an offset: rows inserted or removed elsewhere never shift a page, so paging neither
 * repeats nor skips a row that stays. `next_cursor` is given only when a row lies that way (one extra row read);
 * so is `prev_cursor` on a page reached backwards, while a page reached forwards links back to where it came from.
 */
export async function indexPage(store: Store, binding: CursorBinding, { limit, cursor }: { limit: number; cursor?: string }): Promise<IndexPage> {
  const from = cursor === undefined ? undefined : decodeCursor(cursor, binding);
  const query = { kind: binding.kind, filter: binding.filter, orderBy: binding.orderBy, descending: binding.descending };
  const existsAfter = async (position: IndexPosition) => (await store.queryIndex({ ...query, after: position, limit: 1 })).length > 0;
  const link = (direction: 'next' | 'prev', position: IndexPosition) => encodeCursor({ direction, position }, binding);
  return fromStore(async () => {
    const total = await store.countIndex(binding.kind, binding.filter);
    if (from?.direction === 'prev') {
      // The rows just before the position, in the page's order; one more tells whether an earlier page exists.
      const found = await store.queryIndex({ ...query, before: from.position, limit: limit + 1 });
      const rows = found.slice(Math.max(0, found.length - limit));
      const last = rows.at(-1);
      const end = last ? positionOf(binding, last) : from.position;
      return {
        rows,
        total,
        ...(found.length > limit ? { prevCursor: link('prev', positionOf(binding, rows[0]!)) } : {}),
        ...((await existsAfter(end)) ? { nextCursor: link('next', end) } : {}),
      };
    }
    const found = await store.queryIndex({ ...query, after: from?.position, limit: limit + 1 });
    const rows = found.slice(0, limit);
    const first = rows[0];
    return {
      rows,
      total,
      ...(found.length > limit ? { nextCursor: link('next', positionOf(binding, rows.at(-1)!)) } : {}),
      // Without a cursor this is the first page. After one, the page that led here lies before: the link is given
      // without asking the store (reading backwards costs a sort at 100,000 rooms), so if every earlier room has
      // gone meanwhile it leads to an empty page, whose next_cursor comes back here.
      ...(from ? { prevCursor: link('prev', first ? positionOf(binding, first) : from.position) } : {}),
    };
  });
}

/** A room of the index as answered: Synapse's item (normalised when swept), then what the facade knows. */
export const roomItemOf = (row: IndexedRow): IndexedRoomOut =>
  // The item was stored from the normaliser's output (schemas/rooms.ts roomListItemOut).
  ({ room_id: row.key, ...row.item, first_seen: row.firstSeen, last_seen: row.lastSeen, blocked: row.blocked }) as IndexedRoomOut;

/** A destination of the index as answered. */
export const destinationItemOf = (row: IndexedRow): IndexedDestinationOut =>
  ({ destination: row.key, ...row.item, first_seen: row.firstSeen, last_seen: row.lastSeen }) as IndexedDestinationOut;
