// Specifications of the named rooms in fixtures.ts: each pins one behaviour tests rely on.
import type { RoomSpec } from './room-builder.ts';
import * as F from '../fixtures.ts';
import { ADMIN_USER_ID, ALICE_USER_ID, DATA_EPOCH_MS } from '../constants.ts';

const DAY_MS = 86_400_000;

function users(prefix: string, count: number, server: string): string[] {
  return Array.from({ length: count }, (_, i) => `@${prefix}${i}:${server}`);
}

function base(roomId: string, overrides: Partial<RoomSpec>): RoomSpec {
  return {
    roomId, version: '10', creatorUserId: ADMIN_USER_ID, name: null, canonicalAlias: null,
    joinRule: 'invite', guestAccess: 'can_join', historyVisibility: 'shared', encryption: null,
    federatable: true, isPublic: false, localMembers: [ADMIN_USER_ID], remoteMembers: [],
    messageCount: 5, extremityCount: 1, startTs: DATA_EPOCH_MS - 200 * DAY_MS, stepMs: 60_000,
    ...overrides,
  };
}

/** The named rooms, in creation order. */
export function fixtureRoomSpecs(): RoomSpec[] {
  return [
    base(F.BIG_ROOM_ID, {
      name: 'Lobby', topic: 'Everyone is here', avatar: 'mxc://mock.example/lobbyAvatar', canonicalAlias: F.BIG_ROOM_ALIAS,
      joinRule: 'public', isPublic: true, localMembers: [ADMIN_USER_ID, ALICE_USER_ID, ...users('member', 38, 'mock.example')],
      remoteMembers: [...users('guest', 110, 'matrix.org'), ...users('visitor', 100, 'healthy.example.org')],
      messageCount: 300, extremityCount: 3, devicesPerLocalUser: 2, stepMs: 3_600_000,
    }),
    base(F.EMPTY_ROOM_ID, { name: 'Abandoned', localMembers: [], formerMembers: [ALICE_USER_ID], extremityCount: 1 }),
    base(F.NO_EXTREMITIES_ROOM_ID, { name: 'No extremities', localMembers: [ADMIN_USER_ID, ALICE_USER_ID], extremityCount: 0 }),
    base(F.SPACE_ROOM_ID, { name: 'Company space', roomType: 'm.space', version: '11', joinRule: 'public', isPublic: true, messageCount: 0 }),
    base(F.V12_ROOM_ID, {
      name: 'Version twelve', version: '12', joinRule: 'knock_restricted', localMembers: [ADMIN_USER_ID, ALICE_USER_ID],
      remoteMembers: ['@bob:matrix.org'], powerUsers: {}, encryption: 'm.megolm.v1.aes-sha2',
    }),
    base(F.TOMBSTONED_ROOM_ID, { name: 'Old room', replacementRoom: F.REPLACEMENT_ROOM_ID, version: '9' }),
    base(F.REPLACEMENT_ROOM_ID, { name: 'New room', version: '11', localMembers: [ADMIN_USER_ID, ALICE_USER_ID] }),
    base(F.LEGACY_ROOM_ID, { name: 'Legacy', legacyShape: true, sqliteBooleans: true, version: '6', historyVisibility: 'world_readable' }),
    base(F.FAILING_DELETE_ROOM_ID, { name: 'Cannot be deleted', localMembers: [ADMIN_USER_ID, ALICE_USER_ID], deleteAlwaysFails: true }),
    base(F.STUCK_MEMBER_ROOM_ID, { name: 'Stuck member', localMembers: [ADMIN_USER_ID, F.STUCK_USER_ID], unkickableUsers: [F.STUCK_USER_ID] }),
    base(F.REMOTE_ONLY_ROOM_ID, {
      name: 'Remote only', creatorUserId: '@carol:matrix.org', localMembers: [], remoteMembers: ['@carol:matrix.org', '@dave:remote.example'],
    }),
    base(F.NO_LOCAL_ADMIN_ROOM_ID, {
      name: 'No local admin', creatorUserId: '@erin:matrix.org', localMembers: [ALICE_USER_ID], remoteMembers: ['@erin:matrix.org'],
    }),
    base(F.EMPTY_CREATOR_ROOM_ID, { name: 'Creator bug', creatorColumn: '', sqliteBooleans: true }),
    base(F.LOCAL_ONLY_ROOM_ID, {
      name: 'Local only', federatable: false, encryption: 'm.megolm.v1.aes-sha2', joinRule: 'invite', guestAccess: 'forbidden',
      historyVisibility: 'joined', localMembers: [ADMIN_USER_ID, ALICE_USER_ID], extremityCount: 2,
    }),
  ];
}
