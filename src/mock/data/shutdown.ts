// Room shutdown and purge as Synapse's RoomShutdownHandler / PaginationHandler.purge_room do them, on mock state.
import type { MockState } from '../data.ts';
import type { RoomRecord, ShutdownResult } from './types.ts';
import { appendEvent, membershipOf } from './events.ts';
import { buildRoom } from './room-builder.ts';
import { MatrixError } from '../internal/respond.ts';
import { isMineId, randomRoomId } from '../internal/ids.ts';

export const DEFAULT_NEW_ROOM_NAME = 'Content Violation Notification';
export const DEFAULT_SHUTDOWN_MESSAGE = 'Sharing illegal content on this server is not permitted and rooms in violation will be blocked.';

export interface ShutdownOptions {
  requesterUserId: string;
  block: boolean;
  newRoomUserId: string | null;
  roomName: string | null;
  message: string | null;
}

export const emptyShutdownResult = (): ShutdownResult => ({ kicked_users: [], failed_to_kick_users: [], local_aliases: [], new_room_id: null });

/** Blocks (first blocker kept) — happens before anything can fail. */
export function blockRoom(state: MockState, roomId: string, userId: string): void {
  if (!state.blockedRooms.has(roomId)) state.blockedRooms.set(roomId, userId);
}

/** Synapse: shutdown_room after the ID check; unknown rooms give an empty result. */
export function shutdownRoom(state: MockState, roomId: string, options: ShutdownOptions, nowMs: number): ShutdownResult {
  if (options.block) blockRoom(state, roomId, options.requesterUserId);
  const room = state.rooms.get(roomId);
  if (room === undefined) return emptyShutdownResult();
  const { newRoomUserId } = options;
  if (newRoomUserId !== null && !isMineId(newRoomUserId)) throw new MatrixError(400, 'M_UNKNOWN', `User must be our own: ${newRoomUserId}`);
  const newRoom = newRoomUserId === null ? undefined : createNotificationRoom(state, newRoomUserId, options.roomName || DEFAULT_NEW_ROOM_NAME, nowMs);
  const result = emptyShutdownResult();
  for (const event of [...room.state.values()]) {
    const userId = event.stateKey ?? '';
    const membership = membershipOf(room, userId);
    if (event.type !== 'm.room.member' || !isMineId(userId) || !['join', 'invite', 'knock'].includes(membership ?? '')) continue;
    if (room.unkickableUsers.includes(userId)) {
      result.failed_to_kick_users.push(userId);
      continue;
    }
    appendEvent(state.events, room, { type: 'm.room.member', sender: userId, content: { membership: 'leave' }, ts: nowMs, stateKey: userId });
    if (newRoom !== undefined && membership === 'join') {
      appendEvent(state.events, newRoom, { type: 'm.room.member', sender: userId, content: { membership: 'join' }, ts: nowMs, stateKey: userId });
    }
    result.kicked_users.push(userId);
  }
  room.forgotten = result.failed_to_kick_users.length === 0;
  if (newRoom !== undefined && newRoomUserId !== null) {
    const body = options.message || DEFAULT_SHUTDOWN_MESSAGE;
    appendEvent(state.events, newRoom, { type: 'm.room.message', sender: newRoomUserId, content: { msgtype: 'm.text', body }, ts: nowMs });
    result.local_aliases = [...room.localAliases];
    newRoom.localAliases.push(...room.localAliases);
    room.localAliases = [];
    result.new_room_id = newRoom.roomId;
  }
  return result;
}

function createNotificationRoom(state: MockState, creatorUserId: string, name: string, nowMs: number): RoomRecord {
  const room = buildRoom(state.events, {
    roomId: randomRoomId(state.runtimePrng), version: '11', creatorUserId, name, canonicalAlias: null, joinRule: 'public',
    guestAccess: null, historyVisibility: 'shared', encryption: null, federatable: true, isPublic: false,
    localMembers: [creatorUserId], remoteMembers: [], messageCount: 0, extremityCount: 1, startTs: nowMs, stepMs: 0,
    powerUsers: { [creatorUserId]: 100 },
  });
  const powerLevels = room.state.get('m.room.power_levels\u0000');
  if (powerLevels) powerLevels.content.users_default = -10;
  state.rooms.set(room.roomId, room);
  return room;
}

/** Synapse: purge_room — refuses while local users are joined unless forced; unknown rooms purge fine. */
export function purgeRoom(state: MockState, roomId: string, forcePurge: boolean): void {
  const room = state.rooms.get(roomId);
  if (room === undefined) return;
  const localJoined = [...room.state.values()].some((event) =>
    event.type === 'm.room.member' && event.content.membership === 'join' && isMineId(event.stateKey ?? ''));
  if (localJoined && !forcePurge) throw new MatrixError(400, 'M_UNKNOWN', 'Users are still joined to this room');
  state.rooms.delete(roomId);
  for (const rows of state.destinationRooms.values()) {
    const kept = rows.filter((row) => row.roomId !== roomId);
    rows.splice(0, rows.length, ...kept);
  }
}
