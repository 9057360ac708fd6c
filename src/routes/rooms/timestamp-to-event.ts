// GET /_synapse/admin/v1/rooms/{room_id}/timestamp_to_event — the event closest to a time.
import { timestampToEvent, timestampToEventQuery } from '../../../schemas/events.ts';
import { encodeLookupSegment } from '../../internal/path.ts';
import { defineRoute, responseAsSent } from '../../pipeline/owned-route.ts';
import { queryParser } from '../../pipeline/validate.ts';

const parseQuery = queryParser(timestampToEventQuery);

export const timestampToEventRoute = defineRoute({
  name: 'GET /v1/rooms/{room_id}/timestamp_to_event',
  summary: 'The event closest to a point in time',
  query: timestampToEventQuery,
  method: 'GET',
  pattern: /^\/_synapse\/admin\/v1\/rooms\/(?<room_id>[^/]*)\/timestamp_to_event$/,
  validate: ({ params, args }) => {
    const query = parseQuery(args);
    return {
      path: `/v1/rooms/${encodeLookupSegment(params.room_id!)}/timestamp_to_event`,
      query: [
        ['ts', String(query.ts)],
        ['dir', query.dir!],
      ],
    };
  },
  response: responseAsSent(timestampToEvent),
});
