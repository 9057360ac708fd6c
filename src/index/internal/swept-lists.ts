// The two Synapse lists a sweep reads, declared once: the page request, the schema and normaliser its answer
// goes through (the same as the owned list routes'), each item's key, and where the next page starts.
import { destinationList, type DestinationList } from '../../../schemas/federation.ts';
import { roomList, type RoomList } from '../../../schemas/rooms.ts';
import { normaliseDestination } from '../../normalise/destinations.ts';
import { forwardOnlyNextToken } from '../../normalise/pagination.ts';
import { normaliseRoomList } from '../../normalise/rooms.ts';
import type { IndexedItemInput, IndexKind } from '../../store/store.ts';

/** One page as the index keeps it: normalised items by key, and the next page's `from` when there is one. */
export interface SweptPage {
  items: IndexedItemInput[];
  next?: string;
}

/** A Synapse list the sweeper pages through. */
export interface SweptList {
  kind: IndexKind;
  /** The raw path and query of the page starting at `from` (Synapse's order and default direction). */
  path(from: string, limit: number): string;
  /** A 200 answer (already parsed JSON) checked and normalised; undefined when it does not fit the list's schema. */
  read(answer: unknown): SweptPage | undefined;
}

/** Keeps the last item of each key: a page never holds a key twice (PostgreSQL refuses that in one upsert). */
const byKey = (items: IndexedItemInput[]): IndexedItemInput[] => [...new Map(items.map((item) => [item.key, item])).values()];

const asItem = (value: object): Record<string, unknown> => value as Record<string, unknown>;

/** Synapse: synapse/rest/admin/rooms.py ListRoomRestServlet — `next_batch` is from + limit while rooms remain. */
const rooms: SweptList = {
  kind: 'rooms',
  path: (from, limit) => `/_synapse/admin/v1/rooms?limit=${limit}&from=${from}`,
  read(answer) {
    if (!roomList.safeParse(answer).success) return undefined;
    // The parsed value, not Zod's output, as the owned route does: fields of newer releases are kept.
    const page = normaliseRoomList(answer as RoomList);
    return { items: byKey(page.rooms.map((room) => ({ key: room.room_id, item: asItem(room) }))), next: page.next_token };
  },
};

/** Synapse: synapse/rest/admin/federation.py ListDestinationsRestServlet — `next_token` is str(from + page length). */
const destinations: SweptList = {
  kind: 'destinations',
  path: (from, limit) => `/_synapse/admin/v1/federation/destinations?limit=${limit}&from=${from}`,
  read(answer) {
    if (!destinationList.safeParse(answer).success) return undefined;
    const list = answer as DestinationList;
    const items = list.destinations.map((destination) => ({ key: destination.destination, item: asItem(normaliseDestination(destination)) }));
    return { items: byKey(items), next: forwardOnlyNextToken(list.next_token, list.destinations.length).next_token };
  },
};

/** What a sweep reads, in order: rooms, then destinations. */
export const SWEPT_LISTS: readonly SweptList[] = [rooms, destinations];

/** Whether a next page's `from` moves past `from` (decimal offsets); a token Synapse may one day make opaque is trusted. */
export function advances(from: string, next: string): boolean {
  const decimal = /^\d+$/;
  return !decimal.test(from) || !decimal.test(next) || BigInt(next) > BigInt(from);
}
