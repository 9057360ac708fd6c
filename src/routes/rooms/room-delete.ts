// DELETE /_synapse/admin/v1/rooms/{room_id} — synchronous shutdown and purge (can take many minutes).
import { isMineId } from '../../../schemas/identifiers.ts';
import { roomDeleteBody, userIdStartError } from '../../../schemas/json-body.ts';
import { roomDeleteResult, roomDeleteResultOut } from '../../../schemas/room-delete.ts';
import { badRequest } from '../../errors.ts';
import { encodePathSegment } from '../../internal/path.ts';
import { auditBodyFields } from '../../pipeline/audit-fields.ts';
import { defineRoute } from '../../pipeline/owned-route.ts';
import { requireRoomId } from '../../pipeline/path-checks.ts';
import { parseOrThrow } from '../../pipeline/validate.ts';


export const roomDeleteRoute = defineRoute({
  name: 'DELETE /v1/rooms/{room_id}',
  summary: 'Shut down and purge a room, synchronously (can take many minutes)',
  method: 'DELETE',
  pattern: /^\/_synapse\/admin\/v1\/rooms\/(?<room_id>[^/]*)$/,
  body: 'object',
  bodySchema: roomDeleteBody,
  // Operators double-click: identical deletes in flight share one upstream call.
  mutation: { longRunning: true, coalesce: true, action: 'room.delete', roomDelete: 'v1' },
  validate: async ({ params, body, probe, serverName }) => {
    const { new_room_user_id: newRoomUserId } = parseOrThrow(roomDeleteBody, body);
    const roomId = requireRoomId(params.room_id!);
    const path = `/v1/rooms/${encodePathSegment(roomId)}`;
    // Synapse v1 blocks the room *before* it rejects a non-local new_room_user_id (§2 B9), or a local one
    // without `@` (create_requester → UserID.from_string), and skips both for unknown rooms. The facade
    // rejects first, so a refused request changes nothing.
    if (newRoomUserId !== undefined) {
      const local = isMineId(newRoomUserId, await serverName());
      if (!local || !newRoomUserId.startsWith('@')) {
        const room = await probe(`/_synapse/admin${path}`);
        if (room.status === 200) throw local ? userIdStartError() : badRequest(`User must be our own: ${newRoomUserId}`);
      }
    }
    return { path, query: [], audit: { room_id: roomId, body: auditBodyFields(body) } };
  },
  response: {
    upstream: roomDeleteResult,
    out: roomDeleteResultOut,
    normalise: (result) => ({ ...result, new_room_id: result.new_room_id ?? null }),
  },
});
