// GET /_synapse/admin/v1/rooms/{room_id}/messages — paginate a room's timeline.
import { MESSAGES_MAX_LIMIT, roomMessages, roomMessagesQuery } from '../../../schemas/events.ts';
import { isPlausibleStreamToken } from '../../../schemas/stream-token.ts';
import { badRequest } from '../../errors.ts';
import { encodeLookupSegment } from '../../internal/path.ts';
import { defineRoute, responseAsSent } from '../../pipeline/owned-route.ts';
import { queryParser } from '../../pipeline/validate.ts';

// Synapse checks the from/to tokens before it reads limit and filter, so the query is parsed in two steps.
// Synapse: synapse/streams/config.py PaginationConfig.from_request
const { dir, from, to, limit, filter } = roomMessagesQuery;
const parsePosition = queryParser({ dir, from, to });
const parseRest = queryParser({ limit, filter });

/** A token as Synapse reads it: "" is absent, `END` (from only) is absent, anything else must parse. */
function checkToken(name: 'from' | 'to', token: string | undefined): string | undefined {
  if (!token || (name === 'from' && token === 'END')) return undefined;
  // Synapse: synapse/streams/config.py PaginationConfig.from_request (SynapseError without errcode).
  if (!isPlausibleStreamToken(token)) throw badRequest(`'${name}' parameter is invalid`);
  return token;
}

export const roomMessagesRoute = defineRoute({
  name: 'GET /v1/rooms/{room_id}/messages',
  summary: "Paginate a room's timeline",
  query: roomMessagesQuery,
  method: 'GET',
  pattern: /^\/_synapse\/admin\/v1\/rooms\/(?<room_id>[^/]*)\/messages$/,
  doubleEncoded: ['filter'],
  validate: ({ params, args }) => {
    const position = parsePosition(args);
    const from = checkToken('from', position.from);
    const to = checkToken('to', position.to);
    const query = { ...position, ...parseRest(args) };
    // Synapse caps the limit silently; sending the capped value keeps huge numbers away from it.
    const limit = query.limit! > MESSAGES_MAX_LIMIT ? MESSAGES_MAX_LIMIT : query.limit!;
    const pairs: Array<readonly [string, string]> = [['dir', query.dir!]];
    if (from) pairs.push(['from', from]);
    if (to) pairs.push(['to', to]);
    pairs.push(['limit', String(limit)]);
    if (query.filter !== undefined) pairs.push(['filter', query.filter]);
    // Undocumented: any `raw=` asks for federation-format events (a bare `raw` is dropped by Synapse).
    if (args.has('raw')) pairs.push(['raw', '']);
    return { path: `/v1/rooms/${encodeLookupSegment(params.room_id!)}/messages`, query: pairs };
  },
  response: responseAsSent(roomMessages),
});
