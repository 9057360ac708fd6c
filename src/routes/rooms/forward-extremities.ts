// GET /_synapse/admin/v1/rooms/{room_id_or_alias}/forward_extremities — a room's forward extremities.
import { forwardExtremities, forwardExtremitiesOut } from '../../../schemas/rooms.ts';
import { encodePathSegment } from '../../internal/path.ts';
import { defineRoute } from '../../pipeline/owned-route.ts';
import { requireRoomIdOrAlias } from '../../pipeline/path-checks.ts';

export const forwardExtremitiesRoute = defineRoute({
  name: 'GET /v1/rooms/{room_identifier}/forward_extremities',
  summary: "A room's forward extremities",
  method: 'GET',
  cache: 'details',
  pattern: /^\/_synapse\/admin\/v1\/rooms\/(?<room_identifier>[^/]*)\/forward_extremities$/,
  validate: ({ params }) => ({
    path: `/v1/rooms/${encodePathSegment(requireRoomIdOrAlias(params.room_identifier!))}/forward_extremities`,
    query: [],
  }),
  response: {
    upstream: forwardExtremities,
    out: forwardExtremitiesOut,
    normalise: ({ results, ...rest }) => ({
      ...rest,
      results: results.map((extremity) => ({
        ...extremity,
        state_group: extremity.state_group ?? null,
        depth: extremity.depth ?? null,
        received_ts: extremity.received_ts ?? null,
      })),
    }),
  },
});
