// POST /_synapse/admin/v1/federation/destinations/{destination}/reset_connection — retry a destination now.
import { z } from 'zod';
import { defineRoute, responseAsSent } from '../../pipeline/owned-route.ts';
import { destinationSegment } from '../../pipeline/path-checks.ts';

export const resetConnectionRoute = defineRoute({
  name: 'POST /v1/federation/destinations/{destination}/reset_connection',
  summary: 'Retry a destination now, resetting its backoff',
  method: 'POST',
  // `[^/]+` here (not `*`): an empty destination is no route at all in Synapse.
  pattern: /^\/_synapse\/admin\/v1\/federation\/destinations\/(?<destination>[^/]+)\/reset_connection$/,
  // Synapse never reads this body: `{}`, empty or invalid JSON all behave the same.
  body: 'ignored',
  mutation: { action: 'destination.reset_connection' },
  validate: ({ params }) => ({
    path: `/v1/federation/destinations/${destinationSegment(params.destination!)}/reset_connection`,
    query: [],
    audit: { destination: params.destination! },
  }),
  response: responseAsSent(z.looseObject({})),
});
