// Inputs Synapse accepts as valid and then fails on with a 500 (a traceback, not a refusal): the one list of
// them. The facade refuses each with a 400 in Synapse's style, after Synapse's own checks, and sends nothing.
// Every entry names the release it was seen on and the traceback; the e2e suite sends each entry's example to
// the pinned Synapse (500) and through the facade (400).
import { FacadeError } from '../errors.ts';
import { INT64_MAX, INT64_MIN, isTruthy, parseFilterJson, unusableFilterField } from '../internal/synapse-filter.ts';
import { parsePythonInt } from '../../schemas/query-params.ts';
import type { OwnedRoute, ValidatedRequest } from './owned-route.ts';

/** IDs an entry's example is built from (seeded in the e2e suite). */
export interface ExampleIds {
  /** A room with events. */
  roomId: string;
  /** An event of that room. */
  eventId: string;
  /** A known federation destination. */
  destination: string;
}

/** One class of input Synapse fails on. */
export interface SynapseCrash {
  /** What the input is, in a few words. */
  name: string;
  /** The owned routes (`OwnedRoute.name`) it concerns. */
  routes: readonly string[];
  /** The Synapse release(s) the failure was seen on. */
  seenOn: string;
  /** Where Synapse fails, and the exception line of its traceback (from homeserver.log). */
  traceback: string;
  /** A request of this class: the target (path and query) under `/_synapse/admin`, for seeded IDs. */
  example(ids: ExampleIds): string;
  /** The facade's 400 when a validated request (query name → value, decoded path parameters) is of this class. */
  refusal(query: ReadonlyMap<string, string>, params: Readonly<Record<string, string>>): FacadeError | undefined;
  /** Integer query parameters this entry bounds, with their largest accepted value (for the OpenAPI document). */
  maxima?: Readonly<Record<string, bigint>>;
}

const SQLITE_OVERFLOW = 'OverflowError: Python int too large to convert to SQLite INTEGER';

const tooLarge = (name: string, max: bigint) =>
  new FacadeError(400, 'M_INVALID_PARAM', `Query parameter ${name} must be at most ${max}`);

/** Refuses validated integer parameters above `max`, and documents `max` as their maximum. */
function integersAtMost(names: readonly string[], max: bigint): Pick<SynapseCrash, 'refusal' | 'maxima'> {
  return {
    refusal: (query) => {
      for (const name of names) {
        const value = query.get(name);
        if (value !== undefined && BigInt(value) > max) return tooLarge(name, max);
      }
      return undefined;
    },
    maxima: Object.fromEntries(names.map((name) => [name, max])),
  };
}

const seg = encodeURIComponent;
const HUGE = '9223372036854775808';

/**
 * The largest context `limit` Synapse survives: it splits the limit with `math.floor(limit / 2.0)` (a float)
 * and asks SQLite for twice each half, so 2^63 − 512 already overflows.
 */
const CONTEXT_LIMIT_MAX = 2n ** 63n - 513n;

/** The stream position of a `from` room key Synapse reads without a topological part (`s…`, `m…`). */
function streamPositionOf(token: string): bigint | undefined {
  const roomKey = token.split('_')[0] ?? '';
  if (roomKey.startsWith('s')) return parsePythonInt(roomKey.slice(1));
  if (roomKey.startsWith('m')) return parsePythonInt(roomKey.slice(1).split('~')[0] ?? '');
  return undefined;
}

/** The parsed `filter` object, or undefined when absent. */
function filterOf(query: ReadonlyMap<string, string>): unknown {
  const text = query.get('filter');
  return text === undefined ? undefined : parseFilterJson(text);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const ROOMS = 'GET /v1/rooms';
const FORWARD_EXTREMITIES = 'GET /v1/rooms/{room_identifier}/forward_extremities';
const FORWARD_EXTREMITIES_DELETE = 'DELETE /v1/rooms/{room_identifier}/forward_extremities';
const MAKE_ROOM_ADMIN = 'POST /v1/rooms/{room_identifier}/make_room_admin';

/** Anything outside ASCII. */
const NON_ASCII = /[^\p{ASCII}]/u;
const DESTINATIONS = 'GET /v1/federation/destinations';
const DESTINATION_ROOMS = 'GET /v1/federation/destinations/{destination}/rooms';
const MESSAGES = 'GET /v1/rooms/{room_id}/messages';
const CONTEXT = 'GET /v1/rooms/{room_id}/context/{event_id}';
const TIMESTAMP = 'GET /v1/rooms/{room_id}/timestamp_to_event';

export const synapseCrashes: readonly SynapseCrash[] = [
  {
    name: 'rooms list: from or limit beyond 2^63 − 1',
    routes: [ROOMS],
    seenOn: '1.163.2 (SQLite)',
    traceback: `ListRoomRestServlet.on_GET → RoomStore.get_rooms_paginate binds from/limit as OFFSET/LIMIT: ${SQLITE_OVERFLOW}`,
    example: () => `/v1/rooms?limit=${HUGE}`,
    ...integersAtMost(['from', 'limit'], INT64_MAX),
  },
  {
    name: 'destinations list: from or limit beyond 2^63 − 1',
    routes: [DESTINATIONS],
    seenOn: '1.163.2 (SQLite)',
    traceback: `ListDestinationsRestServlet.on_GET → get_destinations_paginate_txn binds limit/from: ${SQLITE_OVERFLOW}`,
    example: () => `/v1/federation/destinations?from=${HUGE}`,
    ...integersAtMost(['from', 'limit'], INT64_MAX),
  },
  {
    // Synapse answers 404 for an unknown destination first; the pipeline's existence check keeps that order.
    name: 'destination rooms: from or limit beyond 2^63 − 1',
    routes: [DESTINATION_ROOMS],
    seenOn: '1.163.2 (SQLite)',
    traceback: `DestinationMembershipRestServlet.on_GET → get_destination_rooms_paginate binds limit/from: ${SQLITE_OVERFLOW}`,
    example: ({ destination }) => `/v1/federation/destinations/${seg(destination)}/rooms?limit=${HUGE}`,
    ...integersAtMost(['from', 'limit'], INT64_MAX),
  },
  {
    name: 'timestamp_to_event: ts beyond 2^63 − 1',
    routes: [TIMESTAMP],
    seenOn: '1.163.2 (SQLite)',
    traceback: `RoomTimestampToEventRestServlet.on_GET → get_event_for_timestamp → the events-store lookup binds ts (any room, known or not): ${SQLITE_OVERFLOW}`,
    example: ({ roomId }) => `/v1/rooms/${seg(roomId)}/timestamp_to_event?ts=${HUGE}`,
    ...integersAtMost(['ts'], INT64_MAX),
  },
  {
    // Not refused when the room key has a topological part (`t…-…`), which Synapse reads without the lookup.
    name: 'messages: dir=b from a stream position outside 64 bits',
    routes: [MESSAGES],
    seenOn: '1.163.2 (SQLite)',
    traceback: `RoomMessagesRestServlet.on_GET → PaginationHandler.get_messages → StreamWorkerStore.get_current_topological_token binds the stream position: ${SQLITE_OVERFLOW}`,
    example: ({ roomId }) => `/v1/rooms/${seg(roomId)}/messages?dir=b&from=s${HUGE}`,
    refusal: (query) => {
      const from = query.get('from');
      const position = from === undefined || query.get('dir') !== 'b' ? undefined : streamPositionOf(from);
      if (position === undefined || (position >= INT64_MIN && position <= INT64_MAX)) return undefined;
      return new FacadeError(400, 'M_INVALID_PARAM', "'from' parameter is invalid: its stream position must fit in 64 bits");
    },
  },
  {
    // For an unknown event Synapse answers 404 below 2^1024; the facade refuses without asking.
    name: 'context: limit from 2^63 − 512',
    routes: [CONTEXT],
    seenOn: '1.163.2 (SQLite)',
    traceback: `RoomEventContextServlet.on_GET → RoomContextHandler.get_event_context → _paginate_room_events_by_topological_ordering_txn binds 2 × floor(limit / 2.0): ${SQLITE_OVERFLOW} (from about 2^1024, earlier: OverflowError: int too large to convert to float)`,
    example: ({ roomId, eventId }) => `/v1/rooms/${seg(roomId)}/context/${seg(eventId)}?limit=${HUGE}`,
    ...integersAtMost(['limit'], CONTEXT_LIMIT_MAX),
  },
  {
    // Synapse's docstring says parse_json returns an object; its code returns any JSON value. A falsy one
    // (0, false, null, "", []) means "no filter" there, so only truthy non-objects are refused.
    name: 'messages and context: a filter that is not a JSON object',
    routes: [MESSAGES, CONTEXT],
    seenOn: '1.163.2',
    traceback: "RoomMessagesRestServlet / RoomEventContextServlet.on_GET → Filter(hs, filter_json) calls filter_json.get: AttributeError: 'int' object has no attribute 'get'",
    example: ({ roomId }) => `/v1/rooms/${seg(roomId)}/messages?filter=1`,
    refusal: (query) => {
      const filter = filterOf(query);
      if (filter === undefined || isObject(filter) || !isTruthy(filter)) return undefined;
      return new FacadeError(400, 'M_BAD_JSON', 'Query parameter filter must be a JSON object');
    },
  },
  {
    name: 'messages and context: a filter field Synapse cannot iterate, match or bind',
    routes: [MESSAGES, CONTEXT],
    seenOn: '1.163.2 (SQLite)',
    traceback: "StreamWorkerStore filter_to_clause and Filter._check_fields iterate the filter's lists, test `\"*\" in type` and bind items as SQL parameters: TypeError: 'int' object is not iterable ({\"not_senders\":1}); TypeError: argument of type 'int' is not iterable ({\"types\":[1]}); sqlite3.ProgrammingError: Error binding parameter 2: type 'list' is not supported ({\"senders\":[[1]]}); OverflowError",
    example: ({ roomId, eventId }) => `/v1/rooms/${seg(roomId)}/context/${seg(eventId)}?filter=${seg('{"not_senders":1}')}`,
    refusal: (query) => {
      const filter = filterOf(query);
      const unusable = isObject(filter) ? unusableFilterField(filter) : undefined;
      if (unusable === undefined) return undefined;
      return new FacadeError(400, 'M_BAD_JSON', `Query parameter filter: '${unusable.field}' must be ${unusable.expected}`);
    },
  },
  {
    // Python's int() reads Unicode digits and spaces, so `#a:example.org:\u20028448` is a legal alias to Synapse;
    // a remote alias is resolved over federation, which encodes the server name as ASCII.
    name: 'a remote room alias whose server name is not ASCII (a port in Unicode digits or spaces)',
    routes: [FORWARD_EXTREMITIES, FORWARD_EXTREMITIES_DELETE, MAKE_ROOM_ADMIN],
    seenOn: '1.163.2',
    traceback:
      "ResolveRoomIdMixin.resolve_room_id → RoomMemberHandler.lookup_room_alias → DirectoryHandler.get_association → federation query_directory → MatrixFederationRequest encodes the destination: UnicodeEncodeError: 'ascii' codec can't encode character '\\u2002'",
    example: () => `/v1/rooms/${seg('#a:example.org:\u20028448')}/forward_extremities`,
    refusal: (_query, params) => {
      const identifier = params.room_identifier;
      if (!identifier?.startsWith('#') || !NON_ASCII.test(identifier.slice(identifier.indexOf(':') + 1))) return undefined;
      return new FacadeError(400, 'M_INVALID_PARAM', `${identifier}: the server name of a room alias must be ASCII`);
    },
  },
];

/** The largest value of each bounded integer query parameter of `route`, from the entries above. */
export function integerMaxima(route: OwnedRoute): Map<string, bigint> {
  const maxima = new Map<string, bigint>();
  for (const crash of synapseCrashes) {
    if (!crash.routes.includes(route.name)) continue;
    for (const [name, max] of Object.entries(crash.maxima ?? {})) {
      const known = maxima.get(name);
      maxima.set(name, known === undefined || max < known ? max : known);
    }
  }
  return maxima;
}

/** Throws the facade's 400 when the validated request is one Synapse would fail on (see {@link synapseCrashes}). */
export function refuseSynapseCrashes(route: OwnedRoute, request: ValidatedRequest, params: Readonly<Record<string, string>>): void {
  const query = new Map(request.query);
  for (const crash of synapseCrashes) {
    if (!crash.routes.includes(route.name)) continue;
    const refusal = crash.refusal(query, params);
    if (refusal) throw refusal;
  }
}
