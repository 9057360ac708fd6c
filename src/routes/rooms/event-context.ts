// GET /_synapse/admin/v1/rooms/{room_id}/context/{event_id} — events around one event.
import { eventContext, eventContextOut, eventContextQuery } from '../../../schemas/events.ts';
import { encodeLookupSegment } from '../../internal/path.ts';
import { defineRoute } from '../../pipeline/owned-route.ts';
import { queryParser } from '../../pipeline/validate.ts';

const parseQuery = queryParser(eventContextQuery);

export const eventContextRoute = defineRoute({
  name: 'GET /v1/rooms/{room_id}/context/{event_id}',
  summary: 'Events around one event',
  query: eventContextQuery,
  method: 'GET',
  pattern: /^\/_synapse\/admin\/v1\/rooms\/(?<room_id>[^/]*)\/context\/(?<event_id>[^/]*)$/,
  doubleEncoded: ['filter'],
  validate: ({ params, args }) => {
    const query = parseQuery(args);
    const pairs: Array<readonly [string, string]> = [['limit', String(query.limit)]];
    if (query.filter !== undefined) pairs.push(['filter', query.filter]);
    return {
      path: `/v1/rooms/${encodeLookupSegment(params.room_id!)}/context/${encodeLookupSegment(params.event_id!)}`,
      query: pairs,
    };
  },
  response: {
    upstream: eventContext,
    out: eventContextOut,
    normalise: (body) => ({ ...body, start: body.start ?? null, end: body.end ?? null }),
  },
});
