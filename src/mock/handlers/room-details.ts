// Room details, members and current state (Synapse: rest/admin/rooms.py RoomRestServlet.on_GET, RoomMembers/RoomState servlets).
import type { MockRelease } from '../release.ts';
import type { Route } from '../internal/route.ts';
import type { MockState } from '../data.ts';
import type { RoomRecord } from '../data/types.ts';
import { MatrixError } from '../internal/respond.ts';
import { queryString } from '../internal/query.ts';
import { joinedMembers, renderEvent } from '../data/events.ts';
import { roomStats, sqlBoolean } from '../data/room-stats.ts';
import { isMineId } from '../internal/ids.ts';

const ROOM = String.raw`^\/_synapse\/admin\/v1\/rooms\/([^/]*)`;

export function existingRoom(state: MockState, roomId: string): RoomRecord {
  const room = state.rooms.get(roomId);
  if (room === undefined) throw new MatrixError(404, 'M_NOT_FOUND', 'Room not found');
  return room;
}

/** True iff no local user has an unforgotten membership. Synapse: is_locally_forgotten_room */
function isForgotten(room: RoomRecord): boolean {
  if (room.forgotten) return true;
  return ![...room.state.values()].some((event) => event.type === 'm.room.member' && isMineId(event.stateKey ?? ''));
}

export function renderRoomDetails(room: RoomRecord, release: MockRelease): Record<string, unknown> {
  const stats = roomStats(room);
  const details: Record<string, unknown> = {
    room_id: room.roomId, name: stats.name, canonical_alias: stats.canonicalAlias,
    joined_members: stats.joinedMembers, joined_local_members: stats.joinedLocalMembers, version: room.version,
    creator: room.creator, encryption: stats.encryption, federatable: sqlBoolean(room, stats.federatable),
    public: sqlBoolean(room, room.isPublic), join_rules: stats.joinRules, guest_access: stats.guestAccess,
    history_visibility: stats.historyVisibility, state_events: stats.stateEvents, avatar: stats.avatar, topic: stats.topic,
  };
  // An older Synapse lacks these fields; the facade normalises them.
  if (room.legacyShape) return details;
  details.room_type = stats.roomType;
  details.joined_local_devices = stats.joinedLocalMembers * room.devicesPerLocalUser;
  details.forgotten = sqlBoolean(room, isForgotten(room));
  if (!release.tombstoneInDetails) return details;
  details.tombstoned = stats.tombstoned;
  details.replacement_room = stats.replacementRoom;
  return details;
}

export const roomDetailsRoute: Route = {
  methods: ['GET'],
  pattern: new RegExp(`${ROOM}$`),
  auth: 'admin',
  handle: ({ params, state }) => renderRoomDetails(existingRoom(state, params[0] ?? ''), state.release),
};

export const roomMembersRoute: Route = {
  methods: ['GET'],
  pattern: new RegExp(`${ROOM}\\/members$`),
  auth: 'admin',
  handle({ params, state }) {
    const members = joinedMembers(existingRoom(state, params[0] ?? ''));
    return { members, total: members.length };
  },
};

export const roomStateRoute: Route = {
  methods: ['GET'],
  pattern: new RegExp(`${ROOM}\\/state$`),
  auth: 'admin',
  handle({ params, state, query, nowMs }) {
    const room = existingRoom(state, params[0] ?? '');
    const type = state.release.stateTypeFilter ? queryString(query, 'type') : undefined;
    const events = [...room.state.values()].filter((event) => !type || event.type === type);
    return { state: events.map((event) => renderEvent(event, nowMs)) };
  },
};
