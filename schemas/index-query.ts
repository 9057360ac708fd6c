// Queries of the room and destination index (GET /_facade/v1/rooms, …/federation/destinations and their exports,
// and a bulk job's `filter`): filters, orders, pages, and the items answered.
import { z } from 'zod';
import { DESTINATION_FIELDS, ROOM_FIELDS } from '../src/store/index-fields.ts';
import { destinationOut } from './federation.ts';
import { roomListItemOut } from './rooms.ts';

/** Largest page of a JSON listing; exports have no cap. */
export const MAX_INDEX_PAGE = 1000;

/** Orders of the room listing: every list field, the room ID, and when the facade first saw the room. */
export const ROOM_INDEX_ORDERS = ['room_id', ...ROOM_FIELDS.map((field) => field.name), 'first_seen'] as [string, ...string[]];
/** Orders of the destination listing. */
export const DESTINATION_INDEX_ORDERS = ['destination', ...DESTINATION_FIELDS.map((field) => field.name), 'first_seen'] as [string, ...string[]];

/** How the same filter is written in a query string (text) and in a JSON body (typed); both parse to one shape. */
interface FilterDialect {
  flag: (description: string) => z.ZodOptional<z.ZodType<boolean>>;
  text: (description: string) => z.ZodOptional<z.ZodType<string | null>>;
  count: (description: string) => z.ZodOptional<z.ZodType<number>>;
}

/** The largest count a query filter takes: 15 digits, exact as a JavaScript number. */
const MAX_QUERY_COUNT = 999_999_999_999_999;

const EMPTY_MEANS_NULL = 'An empty value asks for rooms where it is missing (null).';

const queryDialect: FilterDialect = {
  flag: (description) =>
    z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .optional()
      .describe(description),
  // No length bound of its own, as with Synapse's query parameters: the request line's is the bound (431 beyond).
  text: (description) =>
    z
      .string()
      .transform((value) => (value === '' ? null : value))
      .optional()
      .describe(`${description} ${EMPTY_MEANS_NULL}`),
  count: (description) =>
    z
      .string()
      .regex(/^\d{1,15}$/, 'Expected a non-negative integer of at most 15 digits')
      .transform(Number)
      .optional()
      // Documented as the integer a client writes, not as the string every query value arrives as.
      .meta({ type: 'integer', minimum: 0, maximum: MAX_QUERY_COUNT, pattern: undefined })
      .describe(description),
};

const bodyDialect: FilterDialect = {
  flag: (description) => z.boolean().optional().describe(description),
  text: (description) =>
    z
      .string()
      .max(1000)
      .nullable()
      .transform((value) => (value === '' ? null : value))
      .optional()
      .describe(`${description} null (or "") asks for rooms where it is missing.`),
  count: (description) => z.number().int().min(0).max(MAX_QUERY_COUNT).optional().describe(description),
};

const searchTerm = (what: string) =>
  z.string().optional().describe(`Case-insensitive substring (Unicode-aware: NFKC, then lower case) of ${what}; empty means no filter.`);

/** The room filters, in one dialect. Ranges are inclusive. */
function roomFilterShape({ flag, text, count }: FilterDialect) {
  return {
    q: searchTerm('the name, canonical alias, room ID or creator'),
    empty: flag('true: rooms without local members (joined_local_members = 0); false: rooms with some.'),
    public: flag('Published in the room directory.'),
    encrypted: flag('Has an encryption algorithm.'),
    federatable: flag('Other servers may join.'),
    blocked: flag('Blocked as far as the facade knows (blocked or unblocked through it); rooms it knows nothing about match neither value.'),
    room_type: text('Exactly this room type, e.g. `m.space`.'),
    join_rules: text('Exactly this join rule, e.g. `public`, `invite`.'),
    guest_access: text('Exactly this guest access, e.g. `can_join`.'),
    history_visibility: text('Exactly this history visibility, e.g. `shared`.'),
    version: text('Exactly this room version.'),
    creator: text('Exactly this creator (a user ID).'),
    joined_members_min: count('At least this many joined members.'),
    joined_members_max: count('At most this many joined members.'),
    joined_local_members_min: count('At least this many local joined members.'),
    joined_local_members_max: count('At most this many local joined members.'),
    state_events_min: count('At least this many state events.'),
    state_events_max: count('At most this many state events.'),
  };
}

function destinationFilterShape({ flag }: FilterDialect) {
  return {
    q: searchTerm('the destination'),
    failing: flag('true: destinations with a `failure_ts` (failing now); false: those without.'),
  };
}

/** A bulk job's `filter`: the room filters as a JSON object (booleans, integers, strings). */
export const roomFilterBody = z
  .strictObject(roomFilterShape(bodyDialect))
  .describe('Select rooms from the facade index instead of listing them: the filters of GET /_facade/v1/rooms, as JSON. Resolved by room ID.');

const orderFields = (orders: [string, ...string[]], defaultOrder: string) => ({
  order_by: z
    .enum(orders)
    .default(defaultOrder)
    .describe(`Sort field (default \`${defaultOrder}\`); ties by the key in the same direction; missing values (null) last in both directions.`),
  dir: z.enum(['f', 'b']).default('f').describe('`f` ascending (default), `b` descending.'),
});

const pageFields = {
  limit: z
    .string()
    .regex(/^\d{1,5}$/, 'Expected an integer')
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_INDEX_PAGE))
    .default(100)
    .meta({ type: 'integer', minimum: 1, maximum: MAX_INDEX_PAGE, default: 100, pattern: undefined })
    .describe(`Items per page, 1 to ${MAX_INDEX_PAGE}.`),
  cursor: z
    .string()
    .min(1)
    // A cursor holds the sort value of an item (a room name can be long): the request line is its bound (431 beyond).
    .optional()
    .describe('`next_cursor` or `prev_cursor` of an earlier page; valid only with the same filters, `order_by` and `dir`.'),
};

const exportFormat = z
  .enum(['ndjson', 'csv', 'json'])
  .default('ndjson')
  .describe('`ndjson` (default): one JSON item per line; `csv`: RFC 4180 with a header row; `json`: one JSON array.');

export const roomIndexQuery = z.object({ ...roomFilterShape(queryDialect), ...orderFields(ROOM_INDEX_ORDERS, 'name'), ...pageFields });
export const roomExportQuery = z.object({ ...roomFilterShape(queryDialect), ...orderFields(ROOM_INDEX_ORDERS, 'name'), format: exportFormat });
export const destinationIndexQuery = z.object({
  ...destinationFilterShape(queryDialect),
  ...orderFields(DESTINATION_INDEX_ORDERS, 'destination'),
  ...pageFields,
});
export const destinationExportQuery = z.object({
  ...destinationFilterShape(queryDialect),
  ...orderFields(DESTINATION_INDEX_ORDERS, 'destination'),
  format: exportFormat,
});

const timestamp = (description: string) => z.number().int().min(0).meta({ maximum: undefined }).describe(description);
const tracking = {
  first_seen: timestamp('When the facade first saw it in a sweep, milliseconds since the epoch.'),
  last_seen: timestamp('When the facade last saw it in a sweep, milliseconds since the epoch.'),
};

/** A room of the index: Synapse's list item (normalised) and what the facade knows beside it. */
export const indexedRoomOut = roomListItemOut.extend({
  ...tracking,
  blocked: z.boolean().nullable().describe('Blocked as far as the facade knows (its own block calls); null when it does not know.'),
});
export const indexedDestinationOut = destinationOut.extend(tracking);

const pageLinks = {
  total: z.number().int().min(0).meta({ maximum: undefined }).describe('Items matching the filters (all pages).'),
  next_cursor: z.string().optional().describe('Absent on the last page.'),
  prev_cursor: z.string().optional().describe('The page before: absent on the first page, present on every page reached by `next_cursor`.'),
};

export const roomIndexPage = z.object({ rooms: z.array(indexedRoomOut), ...pageLinks });
export const destinationIndexPage = z.object({ destinations: z.array(indexedDestinationOut), ...pageLinks });

export type RoomFilterIn = z.output<typeof roomFilterBody>;
export type RoomIndexQuery = z.output<typeof roomIndexQuery>;
export type RoomExportQuery = z.output<typeof roomExportQuery>;
export type DestinationIndexQuery = z.output<typeof destinationIndexQuery>;
export type DestinationExportQuery = z.output<typeof destinationExportQuery>;
export type IndexedRoomOut = z.infer<typeof indexedRoomOut>;
export type IndexedDestinationOut = z.infer<typeof indexedDestinationOut>;
