// GET /_synapse/admin/v1/rooms — list rooms, searched, filtered, sorted and paged.
import { roomList, roomListOut, roomListQuery } from '../../../schemas/rooms.ts';
import { normaliseRoomList } from '../../normalise/rooms.ts';
import { defineRoute } from '../../pipeline/owned-route.ts';
import { queryParser } from '../../pipeline/validate.ts';

const parseQuery = queryParser(roomListQuery);

export const roomsListRoute = defineRoute({
  name: 'GET /v1/rooms',
  summary: 'List rooms, searched, filtered, sorted and paged',
  query: roomListQuery,
  method: 'GET',
  cache: 'list',
  pattern: /^\/_synapse\/admin\/v1\/rooms$/,
  validate: ({ args }) => {
    const query = parseQuery(args);
    const pairs: Array<readonly [string, string]> = [
      ['from', String(query.from)],
      ['limit', String(query.limit)],
      ['order_by', query.order_by!],
    ];
    if (query.search_term !== undefined) pairs.push(['search_term', query.search_term]);
    if (query.public_rooms !== undefined) pairs.push(['public_rooms', String(query.public_rooms)]);
    if (query.empty_rooms !== undefined) pairs.push(['empty_rooms', String(query.empty_rooms)]);
    pairs.push(['dir', query.dir!]);
    return { path: '/v1/rooms', query: pairs };
  },
  response: { upstream: roomList, out: roomListOut, normalise: normaliseRoomList },
});
