// GET /_synapse/admin/v1/rooms/{room_id} — one room's details (no ID format check: unknown → 404).
import { roomDetails, roomDetailsOut } from '../../../schemas/rooms.ts';
import { encodeLookupSegment } from '../../internal/path.ts';
import { normaliseRoomDetails } from '../../normalise/rooms.ts';
import { defineRoute } from '../../pipeline/owned-route.ts';

export const roomDetailsRoute = defineRoute({
  name: 'GET /v1/rooms/{room_id}',
  summary: "One room's details",
  method: 'GET',
  cache: 'details',
  pattern: /^\/_synapse\/admin\/v1\/rooms\/(?<room_id>[^/]*)$/,
  validate: ({ params }) => ({ path: `/v1/rooms/${encodeLookupSegment(params.room_id!)}`, query: [] }),
  response: { upstream: roomDetails, out: roomDetailsOut, normalise: normaliseRoomDetails },
});
