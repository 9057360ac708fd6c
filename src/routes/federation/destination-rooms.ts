// GET /_synapse/admin/v1/federation/destinations/{destination}/rooms — rooms shared with a destination.
import { destinationRooms, destinationRoomsOut, destinationRoomsQuery } from '../../../schemas/federation.ts';
import { isDotSegment } from '../../internal/path.ts';
import { forwardOnlyNextToken } from '../../normalise/pagination.ts';
import { defineRoute } from '../../pipeline/owned-route.ts';
import { destinationSegment } from '../../pipeline/path-checks.ts';
import { queryParser } from '../../pipeline/validate.ts';

const parseQuery = queryParser(destinationRoomsQuery);
const destinationPath = (destination: string) => `/v1/federation/destinations/${destinationSegment(destination)}`;

export const destinationRoomsRoute = defineRoute({
  name: 'GET /v1/federation/destinations/{destination}/rooms',
  summary: 'Rooms shared with a destination',
  query: destinationRoomsQuery,
  method: 'GET',
  cache: 'list',
  pattern: /^\/_synapse\/admin\/v1\/federation\/destinations\/(?<destination>[^/]*)\/rooms$/,
  // Synapse checks the destination is known before it reads from/limit/dir; a dot segment is unknown (404)
  // without asking.
  existenceCheckPath: (params) => (isDotSegment(params.destination!) ? undefined : destinationPath(params.destination!)),
  validate: ({ params, args }) => {
    const path = `${destinationPath(params.destination!)}/rooms`;
    const query = parseQuery(args);
    return {
      path,
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
