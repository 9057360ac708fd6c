// GET /_synapse/admin/v1/rooms/{room_id}/members — joined members. Synapse reads no query parameters,
// so what admin UIs add (`order_by=id`, `from`, `limit`, `dir`) is accepted and not forwarded.
import { roomMembers } from '../../../schemas/rooms.ts';
import { encodeLookupSegment } from '../../internal/path.ts';
import { defineRoute, responseAsSent } from '../../pipeline/owned-route.ts';

export const roomMembersRoute = defineRoute({
  name: 'GET /v1/rooms/{room_id}/members',
  summary: "A room's joined members",
  method: 'GET',
  cache: 'list',
  pattern: /^\/_synapse\/admin\/v1\/rooms\/(?<room_id>[^/]*)\/members$/,
  validate: ({ params }) => ({ path: `/v1/rooms/${encodeLookupSegment(params.room_id!)}/members`, query: [] }),
  response: responseAsSent(roomMembers),
});
