// Room ID checks shared by several servlets (Synapse: RoomID.is_valid and ResolveRoomIdMixin).
import type { MockState } from '../data.ts';
import { internalServerError, MatrixError } from './respond.ts';
import { isValidRoomAlias, isValidRoomId } from './ids.ts';
import { SERVER_NAME } from '../constants.ts';

/** 400 `<id> is not a legal room ID` unless RoomID.is_valid. */
export function assertLegalRoomId(roomId: string): void {
  if (!isValidRoomId(roomId)) throw new MatrixError(400, 'M_UNKNOWN', `${roomId} is not a legal room ID`);
}

/** Room ID as is, or a local alias looked up; remote aliases fail like an unreachable federation query. */
export function resolveRoomIdOrAlias(state: MockState, roomIdOrAlias: string): string {
  if (isValidRoomId(roomIdOrAlias)) return roomIdOrAlias;
  if (!isValidRoomAlias(roomIdOrAlias)) {
    throw new MatrixError(400, 'M_UNKNOWN', `${roomIdOrAlias} was not legal room ID or room alias`);
  }
  const server = roomIdOrAlias.slice(roomIdOrAlias.indexOf(':') + 1);
  // A port in Unicode digits or spaces passes Python's int(); the federation request then fails to encode it.
  if (/[^\p{ASCII}]/u.test(server)) throw internalServerError();
  if (server !== SERVER_NAME) {
    throw new MatrixError(502, 'M_UNKNOWN', 'Failed to fetch alias');
  }
  for (const room of state.rooms.values()) {
    if (room.localAliases.includes(roomIdOrAlias)) return room.roomId;
  }
  throw new MatrixError(404, 'M_NOT_FOUND', `Room alias ${roomIdOrAlias} not found`);
}
