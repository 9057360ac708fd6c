// A bulk job's rooms chosen by an index filter: the exact list of matching room IDs, by room ID, read from the
// index in keyset pages — what the dry run shows and its confirm token binds.
import type { RoomFilterIn } from '../../schemas/index-query.ts';
import { FacadeError } from '../errors.ts';
import { fromStore } from '../pipeline/store-answer.ts';
import type { Store } from '../store/store.ts';
import type { CursorBinding } from './cursor.ts';
import { indexAgeSeconds, positionOf, roomFilterOf } from './query.ts';

/** Room IDs read per store query while a filter is resolved. */
const SELECTION_PAGE_ROWS = 1000;

const tooMany = (matches: string, maxRooms: number) =>
  new FacadeError(400, 'M_UNKNOWN', `The filter matches ${matches} rooms; a job takes at most ${maxRooms}: narrow the filter`);

/**
 * Every room of the index matching `filter`, ordered by room ID (so the same index gives the same list).
 * 503 before the index's first complete sweep (a partial index would silently leave rooms out); 400 when
 * nothing matches or more than `maxRooms` do, since a job takes at most that many.
 */
export async function roomsMatching(store: Store, filter: RoomFilterIn, { maxRooms }: { maxRooms: number }): Promise<string[]> {
  await indexAgeSeconds(store, 'rooms');
  const binding: CursorBinding = { kind: 'rooms', filter: roomFilterOf(filter), orderBy: 'room_id', descending: false };
  const total = await fromStore(() => store.countIndex('rooms', binding.filter));
  if (total === 0) throw new FacadeError(400, 'M_UNKNOWN', 'No room of the index matches this filter');
  if (total > maxRooms) throw tooMany(`${total}`, maxRooms);
  const rooms = await fromStore(async () => {
    const found: string[] = [];
    for (let page = await store.queryIndex({ ...binding, limit: SELECTION_PAGE_ROWS }); page.length > 0; ) {
      found.push(...page.map((row) => row.key));
      if (page.length < SELECTION_PAGE_ROWS || found.length > maxRooms) break;
      page = await store.queryIndex({ ...binding, after: positionOf(binding, page.at(-1)!), limit: SELECTION_PAGE_ROWS });
    }
    return found;
  });
  // Rows a sweep added between the count and the pages.
  if (rooms.length > maxRooms) throw tooMany(`more than ${maxRooms}`, maxRooms);
  return rooms;
}
