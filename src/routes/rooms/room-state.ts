// GET /_synapse/admin/v1/rooms/{room_id}/state — current state, optionally of one event `type`.
import { roomState, roomStateQuery } from '../../../schemas/rooms.ts';
import { encodeLookupSegment } from '../../internal/path.ts';
import { defineRoute, responseAsSent } from '../../pipeline/owned-route.ts';
import { queryParser } from '../../pipeline/validate.ts';

const parseQuery = queryParser(roomStateQuery);
const roomPath = (roomId: string) => `/v1/rooms/${encodeLookupSegment(roomId)}`;

export const roomStateRoute = defineRoute({
  name: 'GET /v1/rooms/{room_id}/state',
  summary: "A room's current state, optionally of one event type",
  query: roomStateQuery,
  method: 'GET',
  cache: 'list',
  pattern: /^\/_synapse\/admin\/v1\/rooms\/(?<room_id>[^/]*)\/state$/,
  // Synapse answers 404 "Room not found" before it reads `type`.
  existenceCheckPath: (params) => roomPath(params.room_id!),
  validate: ({ params, args }) => {
    const { type } = parseQuery(args);
    // `type=` (empty) means no filter in Synapse, so it is not forwarded.
    return { path: `${roomPath(params.room_id!)}/state`, query: type ? [['type', type]] : [] };
  },
  response: responseAsSent(roomState),
});
