// GET /_synapse/admin/v1/federation/destinations/{destination} — one destination's retry timings.
import { destination, destinationOut } from '../../../schemas/federation.ts';
import { normaliseDestination } from '../../normalise/destinations.ts';
import { defineRoute } from '../../pipeline/owned-route.ts';
import { destinationSegment } from '../../pipeline/path-checks.ts';

// Destinations are never validated by Synapse: any string is looked up verbatim (404 "Unknown destination").
export const destinationDetailsRoute = defineRoute({
  name: 'GET /v1/federation/destinations/{destination}',
  summary: "One destination's retry timings",
  method: 'GET',
  cache: 'details',
  pattern: /^\/_synapse\/admin\/v1\/federation\/destinations\/(?<destination>[^/]*)$/,
  validate: ({ params }) => ({
    path: `/v1/federation/destinations/${destinationSegment(params.destination!)}`,
    query: [],
  }),
  response: { upstream: destination, out: destinationOut, normalise: normaliseDestination },
});
