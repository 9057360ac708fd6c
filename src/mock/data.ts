// The per-instance in-memory database of the mock Synapse, built deterministically from a seed.
import type { AccessToken, DeleteTask, DestinationRecord, DestinationRoom, RoomRecord, UserRecord } from './data/types.ts';
import type { EventFactory } from './data/events.ts';
import type { Prng } from './internal/prng.ts';
import { createPrng } from './internal/prng.ts';
import { createEventFactory } from './data/events.ts';
import { buildRoom } from './data/room-builder.ts';
import { fixtureRoomSpecs } from './data/fixture-rooms.ts';
import { generatedRoomSpecs } from './data/generated-rooms.ts';
import { buildDestinationRooms, buildDestinations } from './data/destinations.ts';
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
}

export interface MockStateOptions {
  seed?: number;
  adminToken?: string;
  userToken?: string;
  clock?: () => number;
  deleteTaskTiming?: DeleteTaskTiming;
}

/** Builds a fresh data set; the same seed always gives the same rooms, events and destinations. */
export function createMockState(options: MockStateOptions = {}): MockState {
  const {
    seed = C.DEFAULT_SEED, adminToken = C.DEFAULT_ADMIN_TOKEN, userToken = C.DEFAULT_USER_TOKEN,
    clock = Date.now, deleteTaskTiming = { scheduledMs: 500, activeMs: 2000 },
  } = options;
  const prng = createPrng(seed);
  const events = createEventFactory(prng);
  const rooms = new Map<string, RoomRecord>();
  const specs = [...fixtureRoomSpecs(), ...generatedRoomSpecs(prng, GENERATED_ROOM_COUNT)];
  for (const spec of specs) rooms.set(spec.roomId, buildRoom(events, spec));
  const destinationList = buildDestinations(prng, GENERATED_DESTINATION_COUNT);
  const destinations = new Map(destinationList.map((row) => [row.destination, row]));
  return {
    rooms,
    destinations,
    destinationRooms: buildDestinationRooms(prng, [...destinations.keys()], [...rooms.keys()]),
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
  };
}
