// The one table of what each kind of write can change (issue 14), and the cache paths it makes stale.
import { describe, expect, it } from 'vitest';
import { stalePaths } from '../../src/protection/freshness.ts';
import { writeEffects, type WriteEffects } from '../../src/protection/write-effects.ts';

const ROOM = '!abc:hs';
const ENCODED = '%21abc%3Ahs';
const room = (...rooms: string[]): WriteEffects => ({ rooms, destinations: [] });
const nothing: WriteEffects = { rooms: [], destinations: [] };
const allRooms: WriteEffects = { rooms: 'all', destinations: [] };
const everything: WriteEffects = { rooms: 'all', destinations: 'all' };

const cases: Array<[kind: string, path: string, effects: WriteEffects]> = [
  ['logout ends the token', '/_matrix/client/v3/logout', { ...nothing, revoke: { kind: 'token' } }],
  ['logout/all ends the user', '/_matrix/client/r0/logout/all', { ...nothing, revoke: { kind: 'caller-user' } }],
  ['a password change ends the user', '/_matrix/client/v3/account/password', { ...nothing, revoke: { kind: 'caller-user' } }],
  ['deleting devices ends the user', '/_matrix/client/v3/delete_devices', { ...nothing, revoke: { kind: 'caller-user' } }],
  ['own deactivation: every room, the user', '/_matrix/client/v3/account/deactivate', { ...allRooms, revoke: { kind: 'caller-user' } }],
  ['login changes nothing cached', '/_matrix/client/v3/login', nothing],
  ['typing changes nothing cached', `/_matrix/client/v3/rooms/${ENCODED}/typing/%40a%3Ahs`, nothing],
  ['receipts change nothing cached', `/_matrix/client/v3/rooms/${ROOM}/receipt/m.read/$e`, nothing],
  ['keys and to-device change nothing cached', '/_matrix/client/v3/keys/upload', nothing],
  ['a search is a read-only POST', '/_matrix/client/v3/search', nothing],
  ['media uploads change nothing cached', '/_matrix/media/v3/upload', nothing],
  ['a client write to a room by ID: that room', `/_matrix/client/v3/rooms/${ENCODED}/state/m.room.name`, room(ROOM)],
  ['a message in a room (raw ID): that room', `/_matrix/client/v3/rooms/${ROOM}/send/m.room.message/t1`, room(ROOM)],
  ['a write to a room by alias: every room', '/_matrix/client/v3/rooms/%23a%3Ahs/invite', allRooms],
  ['a join by alias: every room', '/_matrix/client/v3/join/%23a%3Ahs', allRooms],
  ['a join by ID: that room', `/_matrix/client/v3/join/${ENCODED}`, room(ROOM)],
  ['an admin join: that room', `/_synapse/admin/v1/join/${ENCODED}`, room(ROOM)],
  ['room directory publication: that room', `/_matrix/client/v3/directory/list/room/${ENCODED}`, room(ROOM)],
  ['block: that room', `/_synapse/admin/v1/rooms/${ENCODED}/block`, room(ROOM)],
  ['v1 delete: that room', `/_synapse/admin/v1/rooms/${ENCODED}`, room(ROOM)],
  ['v2 delete: that room', `/_synapse/admin/v2/rooms/${ENCODED}`, room(ROOM)],
  ['make_room_admin by alias: every room', '/_synapse/admin/v1/rooms/%23a%3Ahs/make_room_admin', allRooms],
  ['a history purge: that room', `/_synapse/admin/v1/purge_history/${ENCODED}`, room(ROOM)],
  ['reset_connection: that destination', '/_synapse/admin/v1/federation/destinations/remote.example/reset_connection', { rooms: [], destinations: ['remote.example'] }],
  ['demotion: every room, the user', '/_synapse/admin/v1/users/%40bob%3Ahs/admin', { ...allRooms, revoke: { kind: 'user', userId: '@bob:hs' } }],
  ['a user edit (v2): every room, the user', '/_synapse/admin/v2/users/@bob:hs', { ...allRooms, revoke: { kind: 'user', userId: '@bob:hs' } }],
  ['deactivation: every room, the user', '/_synapse/admin/v1/deactivate/%40bob%3Ahs', { ...allRooms, revoke: { kind: 'user', userId: '@bob:hs' } }],
  ['a password reset: every room, the user', '/_synapse/admin/v1/reset_password/%40bob%3Ahs', { ...allRooms, revoke: { kind: 'user', userId: '@bob:hs' } }],
  ['room creation: everything', '/_matrix/client/v3/createRoom', everything],
  ['a profile change (in every room): everything', '/_matrix/client/v3/profile/%40a%3Ahs/displayname', everything],
  ['registration (auto-joins): everything', '/_synapse/admin/v1/register', everything],
  ['a write nobody classified: everything', '/_synapse/admin/v1/some_future_api', everything],
];

describe('what each kind of write can change', () => {
  for (const [kind, path, effects] of cases) {
    it(kind, () => expect(writeEffects(path)).toStrictEqual(effects));
  }
});

describe('the cache paths a write makes stale', () => {
  it('a room: everything about it, every room list, delete statuses by ID, destination lists', () => {
    // Encoded as the owned routes encode their upstream paths (shortest form: `!` and `:` raw).
    expect(stalePaths(room(ROOM))).toEqual([
      '/_synapse/admin/v1/rooms/!abc:hs/**',
      '/_synapse/admin/v2/rooms/!abc:hs/**',
      '/_synapse/admin/v1/rooms',
      '/_synapse/admin/v2/rooms/delete_status/*',
      '/_synapse/admin/v1/federation/destinations',
      '/_synapse/admin/v1/federation/destinations/*/rooms',
    ]);
  });

  it('a destination: that destination and the destination list', () => {
    expect(stalePaths({ rooms: [], destinations: ['a.example:8448'] })).toEqual([
      '/_synapse/admin/v1/federation/destinations/a.example:8448/**',
      '/_synapse/admin/v1/federation/destinations',
    ]);
  });

  it('nothing: no path', () => expect(stalePaths(nothing)).toEqual([]));
});
