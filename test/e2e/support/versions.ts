// What each Synapse release of the matrix, and each database, really answers where they differ: the one table the
// e2e suite takes release-dependent expectations from (tests never ask for a version themselves). Every entry was
// seen on the release named and is cited from its source (github element-hq/synapse, the tag named).
import { SYNAPSE_VERSION, type SynapseDatabase } from '../../../scripts/synapse/paths.ts';

/** An error this release words differently from the pinned one, whose words the facade speaks when it validates. */
export interface ErrorWording {
  release: { errcode?: string; error: RegExp };
  /** The pinned release's errcode (default: the same) and text (`$1`… from `release.error`). */
  pinned: { errcode?: string; error: string };
}

/** A request the facade refuses (as the pinned release does) that this release answers otherwise. */
export interface StricterFacade {
  because: string;
  target: RegExp;
  /** What this release answers instead. */
  releaseStatus: readonly number[];
  facade: { errcode: string; error: RegExp };
}

/** How a release keeps room-delete tasks, and which keys and statuses its delete-status answers have. */
export interface DeleteTasks {
  /** `memory`: lost on restart (and 24 h after the end); `scheduled_tasks`: a table, cleaned 7 days after the end. */
  store: 'memory' | 'scheduled_tasks';
  /** Statuses a running task shows, in the order they come. */
  running: readonly string[];
  /** Running statuses a slow delete (members moved to a new room) is seen in on every run. */
  seenWhileSlow: readonly string[];
  /** Keys of GET /v2/rooms/delete_status/<delete_id> besides status and shutdown_room. */
  byIdKeys: readonly ('delete_id' | 'room_id')[];
  /** Keys of each task of GET /v2/rooms/<room_id>/delete_status besides status and shutdown_room. */
  byRoomKeys: readonly ('delete_id' | 'room_id')[];
}

export interface ReleaseBehaviour {
  /** `room_version` of a room created without one. */
  defaultRoomVersion: string;
  /** Documented room-details fields this release leaves out (the facade sends them as null). */
  roomDetailsAbsent: readonly string[];
  /** Whether GET /v1/rooms/<room_id>/state honours `?type=` (else it answers every state event). */
  stateTypeFilter: boolean;
  deleteTasks: DeleteTasks;
  errorWording: readonly ErrorWording[];
  stricterFacade: readonly StricterFacade[];
}

export interface DatabaseBehaviour {
  /** Where rooms without a name come in `order_by=name&dir=f`. */
  unnamedRoomsByName: 'first' | 'last';
  /** Entries of src/pipeline/synapse-crashes.ts that this database does not crash on, with what it answers. */
  notCrashing: Readonly<Record<string, { status: number; errcode?: string }>>;
}

/** Since 1.93.0 (synapse/util/task_scheduler.py, #15891 and #15997): tasks in `scheduled_tasks`, four keys. */
const SCHEDULED_DELETE_TASKS: DeleteTasks = {
  store: 'scheduled_tasks',
  running: ['scheduled', 'active'],
  seenWhileSlow: ['active'],
  byIdKeys: ['delete_id', 'room_id'],
  byRoomKeys: ['delete_id', 'room_id'],
};

const POSITIVE = /^Query parameter \w+ must be a positive integer\.$/;

export const RELEASES: Readonly<Record<string, ReleaseBehaviour>> = {
  [SYNAPSE_VERSION]: {
    defaultRoomVersion: '12',
    roomDetailsAbsent: [],
    stateTypeFilter: true,
    deleteTasks: SCHEDULED_DELETE_TASKS,
    errorWording: [],
    stricterFacade: [],
  },
  '1.144.0': {
    defaultRoomVersion: '10',
    // tombstoned and replacement_room came with 1.153.0 (2e7019ebc8, #19737, rest/admin/rooms.py RoomRestServlet).
    roomDetailsAbsent: ['tombstoned', 'replacement_room'],
    stateTypeFilter: true,
    deleteTasks: SCHEDULED_DELETE_TASKS,
    errorWording: [],
    stricterFacade: [],
  },
  '1.92.3': {
    defaultRoomVersion: '10',
    roomDetailsAbsent: ['tombstoned', 'replacement_room'],
    // `?type=` came with 1.123.0 (e34fd1228d, #18035); 1.92.3 answers every state event.
    stateTypeFilter: false,
    deleteTasks: {
      // v1.92.3 synapse/handlers/pagination.py: DeleteStatus objects in PaginationHandler._delete_by_id, starting as
      // STATUS_PURGING, then SHUTTING_DOWN while the members are kicked, PURGING again while the rows go.
      store: 'memory',
      running: ['purging', 'shutting_down'],
      seenWhileSlow: ['shutting_down', 'purging'],
      // DeleteStatus.asdict(): status and shutdown_room; by room, rest/admin/rooms.py adds delete_id, never room_id.
      byIdKeys: [],
      byRoomKeys: ['delete_id'],
    },
    // v1.92.3 synapse/http/servlet.py parse_integer and rest/admin/rooms.py quote the parameter, and the messages
    // servlet has its own limit check; the pinned release words them as below.
    errorWording: [
      { release: { error: /^Query parameter '(\w+)' must be an integer$/ }, pinned: { error: 'Query parameter $1 must be an integer' } },
      { release: { error: /^Missing integer query parameter '(\w+)'$/ }, pinned: { error: 'Missing required integer query parameter $1' } },
      {
        release: { error: /^Query parameter (\w+) must be a string representing a positive integer\.$/ },
        pinned: { error: 'Query parameter $1 must be a positive integer.' },
      },
      {
        release: { errcode: 'M_UNKNOWN', error: /^Limit must be 0 or above$/ },
        pinned: { errcode: 'M_INVALID_PARAM', error: 'Query parameter limit must be a positive integer.' },
      },
    ],
    stricterFacade: [
      {
        because: 'rest/admin/rooms.py ListRoomRestServlet: parse_integer(from/limit) without a negative check',
        target: /\/v1\/rooms\?.*(?:from|%66rom|limit)=(?:\+?-|%0B-)/,
        releaseStatus: [200],
        facade: { errcode: 'M_INVALID_PARAM', error: POSITIVE },
      },
      {
        because: 'public_rooms and empty_rooms came with 1.110.0 (9104a9f0d0, #17276): 1.92.3 ignores them',
        target: /\/v1\/rooms\?(?:.*[&;])?(?:public|empty)_rooms=(?!true\b|false\b)/,
        releaseStatus: [200, 400],
        facade: { errcode: 'M_INVALID_PARAM', error: /^Boolean query parameter '(?:public|empty)_rooms' must be one of \['true', 'false'\]$/ },
      },
      {
        because: 'no `?type=` before 1.123.0, so nothing checks it',
        target: /\/state\?.*type=/,
        releaseStatus: [200],
        facade: { errcode: 'M_UNKNOWN', error: /^Query parameter 'type' must be ascii$/ },
      },
      {
        because: 'RoomTimestampToEventRestServlet: parse_integer("ts") without a negative check',
        target: /\/timestamp_to_event\?ts=-/,
        releaseStatus: [200],
        facade: { errcode: 'M_INVALID_PARAM', error: POSITIVE },
      },
      {
        because: 'RoomEventContextServlet: parse_integer("limit") without a negative check',
        target: /\/context\/[^?]+\?limit=-/,
        releaseStatus: [200],
        facade: { errcode: 'M_INVALID_PARAM', error: POSITIVE },
      },
      {
        because: 'an empty filter is no filter to 1.92.3; any other filter that is not JSON raises in json_decoder.decode (500)',
        target: /\/(?:messages|context\/[^?]+)\?(?:.*&)?filter=(?:$|&|\{|nope|%257B|%7B%22a%22:NaN)/,
        releaseStatus: [200, 500],
        facade: { errcode: 'M_NOT_JSON', error: /^Query parameter filter must be a valid JSON object$/ },
      },
    ],
  },
};

export const DATABASES: Readonly<Record<SynapseDatabase, DatabaseBehaviour>> = {
  sqlite: { unnamedRoomsByName: 'first', notCrashing: {} },
  postgres: {
    // PostgreSQL sorts NULL after every value in ascending order, SQLite before.
    unnamedRoomsByName: 'last',
    // psycopg2 binds integers beyond 64 bits as NUMERIC, where SQLite's driver raises OverflowError: the queries run.
    notCrashing: {
      'timestamp_to_event: ts beyond 2^63 − 1': { status: 404, errcode: 'M_NOT_FOUND' },
      'messages: dir=b from a stream position outside 64 bits': { status: 200 },
    },
  },
};

/** The table's row for a release; a release not in the table runs with the pinned release's expectations. */
export function releaseBehaviour(version: string): ReleaseBehaviour {
  return RELEASES[version] ?? RELEASES[SYNAPSE_VERSION]!;
}

/** What the facade must answer for Synapse's error `answer`, in the pinned release's words. */
export function inPinnedWords(version: string, answer: { errcode?: unknown; error?: unknown }): { errcode: unknown; error: unknown } {
  const { errcode, error } = answer;
  for (const { release, pinned } of releaseBehaviour(version).errorWording) {
    if (typeof error !== 'string' || (release.errcode !== undefined && release.errcode !== errcode) || !release.error.test(error)) continue;
    return { errcode: pinned.errcode ?? errcode, error: error.replace(release.error, pinned.error) };
  }
  return { errcode, error };
}

/** The rule under which the facade refuses `target` while this release does not, if any. */
export function stricterFacadeRule(version: string, target: string): StricterFacade | undefined {
  return releaseBehaviour(version).stricterFacade.find((rule) => rule.target.test(target));
}

/** The row of the running Synapse (its release and its database), as recorded in state.json. */
export function runningBehaviour({ version, database }: { version: string; database: SynapseDatabase }): ReleaseBehaviour & DatabaseBehaviour {
  return { ...releaseBehaviour(version), ...DATABASES[database] };
}

/**
 * The IDs a delete-status answer of this release carries: by ID, those `byIdKeys` names (the facade adds the
 * path's delete_id, a room_id left out stays null); by room, those of `byRoomKeys` (the facade adds the path's room_id).
 */
export function taskIds(tasks: DeleteTasks, ask: 'byId' | 'byRoom', { deleteId, roomId }: { deleteId: string; roomId: string }) {
  const keys = ask === 'byId' ? tasks.byIdKeys : tasks.byRoomKeys;
  return {
    synapse: { ...(keys.includes('delete_id') ? { delete_id: deleteId } : {}), ...(keys.includes('room_id') ? { room_id: roomId } : {}) },
    facade: { delete_id: ask === 'byId' || keys.includes('delete_id') ? deleteId : null, room_id: ask === 'byRoom' || keys.includes('room_id') ? roomId : null },
  };
}
