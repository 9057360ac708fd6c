// DELETE /_synapse/admin/v2/rooms/{room_id} — schedule a shutdown and purge; answers a delete_id to poll.
import { isMineId } from '../../../schemas/identifiers.ts';
import { roomDeleteBody, userIdStartError } from '../../../schemas/json-body.ts';
import { roomDeleteV2Result } from '../../../schemas/room-delete.ts';
import { encodePathSegment } from '../../internal/path.ts';
import { auditBodyFields } from '../../pipeline/audit-fields.ts';
import { defineRoute, responseAsSent } from '../../pipeline/owned-route.ts';
import { requireRoomId } from '../../pipeline/path-checks.ts';
import { parseOrThrow } from '../../pipeline/validate.ts';

// Not coalesced: each call is a new task in Synapse, and a second call while one is active gets
// Synapse's own 400 "Purge already in progress for <room_id>", passed through. A non-local
// new_room_user_id is refused by Synapse before any side effect in v2, so it is left to Synapse. A local one
// without `@` is accepted by Synapse's v2, whose task then blocks the room and fails (handlers/room.py
// shutdown_room → create_requester → UserID.from_string): the facade refuses it with v1's 400 instead.
export const roomDeleteV2Route = defineRoute({
  name: 'DELETE /v2/rooms/{room_id}',
  summary: 'Schedule a room shutdown and purge; answers a delete_id to poll',
  method: 'DELETE',
  pattern: /^\/_synapse\/admin\/v2\/rooms\/(?<room_id>[^/]*)$/,
  body: 'object',
  bodySchema: roomDeleteBody,
  mutation: { action: 'room.delete', roomDelete: 'v2' },
  validate: async ({ params, body, serverName }) => {
    const { new_room_user_id: newRoomUserId } = parseOrThrow(roomDeleteBody, body);
    const roomId = requireRoomId(params.room_id!);
    if (newRoomUserId !== undefined && !newRoomUserId.startsWith('@') && isMineId(newRoomUserId, await serverName())) throw userIdStartError();
    return {
      path: `/v2/rooms/${encodePathSegment(roomId)}`,
      query: [],
      audit: { room_id: roomId, body: auditBodyFields(body) },
    };
  },
  response: responseAsSent(roomDeleteV2Result),
});
