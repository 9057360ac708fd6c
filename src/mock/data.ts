// The per-instance in-memory database of the mock Synapse, built deterministically from a seed.
import { mockRelease, type MockRelease } from './release.ts';
import type { AccessToken, DeleteTask, DestinationRecord, DestinationRoom, RoomRecord, UserRecord } from './data/types.ts';
import type { EventFactory } from './data/events.ts';
import type { Prng } from './internal/prng.ts';
import { createPrng } from './internal/prng.ts';
import { createEventFactory } from './data/events.ts';
import { buildRoom } from './data/room-builder.ts';
import { fixtureRoomSpecs } from './data/fixture-rooms.ts';
import { generatedRoomSpecs } from './data/generated-rooms.ts';
import { lazyGeneratedRooms } from './data/lazy-rooms.ts';
import { buildDestinationRooms, buildDestinations, generatedDestinations } from './data/destinations.ts';
import { buildDeleteTasks } from './data/delete-tasks.ts';
import * as C from './constants.ts';
import { GENERATED_DESTINATION_COUNT, GENERATED_ROOM_COUNT } from './fixtures.ts';

export { SERVER_NAME } from './constants.ts';

/** Timing of v2 delete tasks: scheduled for `scheduledMs`, then active for `activeMs`. */
export interface DeleteTaskTiming {
  scheduledMs: number;
  activeMs: number;
}

/** Everything one mock instance knows; never shared between instances. */
export interface MockState {
  rooms: Map<string, RoomRecord>;
  destinations: Map<string, DestinationRecord>;
  destinationRooms: Map<string, DestinationRoom[]>;
  /** `blocked_rooms`: room ID → user ID of the first blocker. */
  blockedRooms: Map<string, string>;
  deleteTasks: DeleteTask[];
  users: Map<string, UserRecord>;
  tokens: Map<string, AccessToken>;
  events: EventFactory;
  /** Randomness for runtime IDs (delete IDs, new rooms, devices); seeded too. */
  runtimePrng: Prng;
  clock: () => number;
  deleteTaskTiming: DeleteTaskTiming;
  /** The release whose shapes the mock answers with (src/mock/release.ts). */
  release: MockRelease;
}

export interface MockStateOptions {
  seed?: number;
  /**
   * Rooms in all; default (and minimum) the 164 of the default data set, which a larger set keeps unchanged and adds
   * generated rooms to. Those extra rooms have their list columns from the start and build their events on first
   * read, so 100,000 rooms start in seconds and fit in memory.
   */
  roomCount?: number;
  /** Destinations in all; default (and minimum) the 46 of the default data set, which a larger set keeps. */
  destinationCount?: number;
  adminToken?: string;
  userToken?: string;
  clock?: () => number;
  deleteTaskTiming?: DeleteTaskTiming;
  /** The release to answer as; default $MOCK_SYNAPSE_VERSION, else the pinned one. Throws on a malformed one. */
  synapseVersion?: string;
}

/** Builds a fresh data set; the same seed always gives the same rooms, events and destinations. */
export function createMockState(options: MockStateOptions = {}): MockState {
  const {
    seed = C.DEFAULT_SEED, adminToken = C.DEFAULT_ADMIN_TOKEN, userToken = C.DEFAULT_USER_TOKEN,
    clock = Date.now, deleteTaskTiming = { scheduledMs: 500, activeMs: 2000 }, roomCount, destinationCount,
    synapseVersion,
  } = options;
  const release = mockRelease(synapseVersion);
  const prng = createPrng(seed);
  const events = createEventFactory(prng);
  const rooms = new Map<string, RoomRecord>();
  const specs = [...fixtureRoomSpecs(), ...generatedRoomSpecs(prng, GENERATED_ROOM_COUNT)];
  for (const spec of specs) rooms.set(spec.roomId, buildRoom(events, spec));
  const destinationList = buildDestinations(prng, GENERATED_DESTINATION_COUNT);
  const destinations = new Map(destinationList.map((row) => [row.destination, row]));
  const destinationRooms = buildDestinationRooms(prng, [...destinations.keys()], [...rooms.keys()]);
  addExtraRooms(rooms, { seed, factory: events }, roomCount);
  addExtraDestinations(destinations, destinationRooms, specs.map((spec) => spec.roomId), { seed, count: destinationCount });
  return {
    rooms,
    destinations,
    destinationRooms,
    blockedRooms: new Map(),
    deleteTasks: buildDeleteTasks(),
    users: new Map([
      [C.ADMIN_USER_ID, { userId: C.ADMIN_USER_ID, password: C.ADMIN_PASSWORD, admin: true, displayname: 'Admin' }],
      [C.ALICE_USER_ID, { userId: C.ALICE_USER_ID, password: C.ALICE_PASSWORD, admin: false, displayname: 'Alice' }],
    ]),
    tokens: new Map([
      [adminToken, { userId: C.ADMIN_USER_ID, deviceId: 'ADMINDEVICE', expired: false }],
      [userToken, { userId: C.ALICE_USER_ID, deviceId: 'ALICEDEVICE', expired: false }],
      [C.EXPIRED_ADMIN_TOKEN, { userId: C.ADMIN_USER_ID, deviceId: 'OLDDEVICE', expired: true }],
    ]),
    events,
    runtimePrng: createPrng(seed ^ 0x5bd1e995),
    clock,
    deleteTaskTiming,
    release,
  };
}

/** Adds generated rooms up to `roomCount` (after the default set, whose draws they leave untouched). */
function addExtraRooms(rooms: Map<string, RoomRecord>, source: { seed: number; factory: EventFactory }, roomCount: number | undefined): void {
  const extra = extraCount('roomCount', roomCount, rooms.size);
  for (const room of lazyGeneratedRooms(source, GENERATED_ROOM_COUNT, extra)) {
    // 18 random letters: a clash is astronomically unlikely, but a silent overwrite would miscount the set.
    if (rooms.has(room.roomId)) throw new Error(`mock data set: generated room ID ${room.roomId} twice`);
    rooms.set(room.roomId, room);
  }
}

/** Adds generated destinations up to `count`, from their own stream, linked to rooms of the default set. */
function addExtraDestinations(
  destinations: Map<string, DestinationRecord>, destinationRooms: Map<string, DestinationRoom[]>, roomIds: string[],
  { seed, count }: { seed: number; count: number | undefined },
): void {
  const extra = extraCount('destinationCount', count, destinations.size);
  if (extra === 0) return;
  const prng = createPrng(seed ^ 0x27d4eb2f);
  const rows = generatedDestinations(prng, GENERATED_DESTINATION_COUNT, extra);
  for (const row of rows) destinations.set(row.destination, row);
  for (const [destination, linked] of buildDestinationRooms(prng, rows.map((row) => row.destination), roomIds)) destinationRooms.set(destination, linked);
}

function extraCount(name: string, wanted: number | undefined, defaultCount: number): number {
  if (wanted === undefined) return 0;
  if (!Number.isSafeInteger(wanted) || wanted < defaultCount) throw new RangeError(`${name} must be an integer of at least ${defaultCount}, the default data set`);
  return wanted - defaultCount;
}
