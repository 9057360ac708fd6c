// GET /_synapse/admin/v1/federation/destinations — list destinations, filtered, sorted and paged.
import { destinationList, destinationListOut, destinationListQuery } from '../../../schemas/federation.ts';
import { normaliseDestination } from '../../normalise/destinations.ts';
import { forwardOnlyNextToken } from '../../normalise/pagination.ts';
import { defineRoute } from '../../pipeline/owned-route.ts';
import { queryParser } from '../../pipeline/validate.ts';

const parseQuery = queryParser(destinationListQuery);

export const destinationsListRoute = defineRoute({
  name: 'GET /v1/federation/destinations',
  summary: 'List federation destinations, filtered, sorted and paged',
  query: destinationListQuery,
  method: 'GET',
  cache: 'list',
  pattern: /^\/_synapse\/admin\/v1\/federation\/destinations$/,
  validate: ({ args }) => {
    const query = parseQuery(args);
    return {
      path: '/v1/federation/destinations',
      query: [
        ['from', String(query.from)],
        ['limit', String(query.limit)],
        // `destination=` (empty) means "no filter" in Synapse, so it is not forwarded.
        ...(query.destination ? [['destination', query.destination] as const] : []),
        ['order_by', query.order_by!],
        ['dir', query.dir!],
      ],
    };
  },
  response: {
    upstream: destinationList,
    out: destinationListOut,
    normalise: ({ destinations, next_token, ...rest }) => ({
      ...rest,
      destinations: destinations.map(normaliseDestination),
      ...forwardOnlyNextToken(next_token, destinations.length),
    }),
  },
});
