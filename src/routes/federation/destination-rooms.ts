// GET /_synapse/admin/v1/federation/destinations/{destination}/rooms — rooms shared with a destination.
import { destinationRooms, destinationRoomsOut, destinationRoomsQuery } from '../../../schemas/federation.ts';
import { encodePathSegment } from '../../internal/path.ts';
import { forwardOnlyNextToken } from '../../normalise/pagination.ts';
import { defineRoute } from '../../pipeline/owned-route.ts';
import { queryParser } from '../../pipeline/validate.ts';

const parseQuery = queryParser(destinationRoomsQuery);
const destinationPath = (destination: string) => `/v1/federation/destinations/${encodePathSegment(destination)}`;

export const destinationRoomsRoute = defineRoute({
  name: 'GET /v1/federation/destinations/{destination}/rooms',
  summary: 'Rooms shared with a destination',
  query: destinationRoomsQuery,
  method: 'GET',
  cache: 'list',
  pattern: /^\/_synapse\/admin\/v1\/federation\/destinations\/(?<destination>[^/]*)\/rooms$/,
  // Synapse checks the destination is known before it reads from/limit/dir.
  existenceCheckPath: (params) => destinationPath(params.destination!),
  validate: ({ params, args }) => {
    const query = parseQuery(args);
    return {
      path: `${destinationPath(params.destination!)}/rooms`,
      query: [
        ['from', String(query.from)],
        ['limit', String(query.limit)],
        ['dir', query.dir!],
      ],
    };
  },
  response: {
    upstream: destinationRooms,
    out: destinationRoomsOut,
    normalise: ({ rooms, next_token, ...rest }) => ({
      ...rest,
      rooms,
      ...forwardOnlyNextToken(next_token, rooms.length),
    }),
  },
});
