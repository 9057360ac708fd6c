// Checks Synapse makes on path parameters, with its exact errors.
import { isValidRoomAlias, isValidRoomId } from '../../schemas/identifiers.ts';
import { badRequest } from '../errors.ts';

/** Synapse: `if not RoomID.is_valid(room_id): raise SynapseError(400, "<id> is not a legal room ID")`. */
export function requireRoomId(roomId: string): string {
  if (!isValidRoomId(roomId)) throw badRequest(`${roomId} is not a legal room ID`);
  return roomId;
}

/** Synapse: synapse/http/servlet.py ResolveRoomIdMixin.resolve_room_id (format check only). */
export function requireRoomIdOrAlias(roomIdentifier: string): string {
  if (!isValidRoomId(roomIdentifier) && !isValidRoomAlias(roomIdentifier)) {
    throw badRequest(`${roomIdentifier} was not legal room ID or room alias`);
  }
  return roomIdentifier;
}
