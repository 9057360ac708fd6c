// GET /_synapse/admin/v1/rooms/{room_id}/block — whether a room is blocked, and by whom.
import { roomBlockStatus, roomBlockStatusOut } from '../../../schemas/rooms.ts';
import { encodePathSegment } from '../../internal/path.ts';
import { defineRoute } from '../../pipeline/owned-route.ts';
import { requireRoomId } from '../../pipeline/path-checks.ts';

export const roomBlockStatusRoute = defineRoute({
  name: 'GET /v1/rooms/{room_id}/block',
  summary: 'Whether a room is blocked, and by whom',
  method: 'GET',
  cache: 'status',
  pattern: /^\/_synapse\/admin\/v1\/rooms\/(?<room_id>[^/]*)\/block$/,
  validate: ({ params }) => ({
    path: `/v1/rooms/${encodePathSegment(requireRoomId(params.room_id!))}/block`,
    query: [],
  }),
  // Synapse leaves `user_id` out when the room is not blocked; the contract always has it (null).
  response: {
    upstream: roomBlockStatus,
    out: roomBlockStatusOut,
    normalise: (body) => ({ ...body, user_id: body.user_id ?? null }),
  },
});
