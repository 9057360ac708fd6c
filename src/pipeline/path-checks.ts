// Checks Synapse makes on path parameters, with its exact errors, and its answers to dot segments.
import { isValidRoomAlias, isValidRoomId } from '../../schemas/identifiers.ts';
import { badRequest, FacadeError } from '../errors.ts';
import { encodePathSegment, isDotSegment } from '../internal/path.ts';

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

/**
 * Synapse's `is_destination_known` check, answered by the facade for a dot segment (no server is called `.`
 * or `..`), so the dot segment is never sent: 404 "Unknown destination". Otherwise the encoded segment.
 * Synapse: synapse/rest/admin/federation.py (NotFoundError before anything else).
 */
export function destinationSegment(destination: string): string {
  if (isDotSegment(destination)) throw new FacadeError(404, 'M_NOT_FOUND', 'Unknown destination');
  return encodePathSegment(destination);
}

/**
 * A delete ID as a path segment; a dot segment gets Synapse's answer for an unknown delete ID (Synapse makes
 * them of letters only) without being sent. Synapse: synapse/rest/admin/rooms.py DeleteRoomStatusByDeleteIdRestServlet
 */
export function deleteIdSegment(deleteId: string): string {
  if (isDotSegment(deleteId)) throw new FacadeError(404, 'M_NOT_FOUND', `delete id '${deleteId}' not found`);
  return encodePathSegment(deleteId);
}
