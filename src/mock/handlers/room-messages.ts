// Room timeline reads: /messages and /timestamp_to_event (Synapse: rest/admin/rooms.py, handlers/pagination.py).
import type { Route } from '../internal/route.ts';
import { MatrixError } from '../internal/respond.ts';
import { bindSqlInteger, pythonInt, queryDirection, queryInteger, queryString, requireInteger } from '../internal/query.ts';
import { parseStreamToken, streamToken } from '../internal/stream-token.ts';
import { eventFilterFromQuery } from '../internal/event-filter.ts';
import { renderEvent } from '../data/events.ts';

const ROOM = String.raw`^\/_synapse\/admin\/v1\/rooms\/([^/]*)`;
const MAX_LIMIT = 1000;

/** Synapse: PaginationConfig.from_request — an empty token (and `from=END`) counts as absent. */
function parseToken(token: string | undefined, name: 'from' | 'to'): number | undefined {
  if (token === undefined || token === '' || (name === 'from' && token === 'END')) return undefined;
  const position = parseStreamToken(token);
  if (position === undefined) throw new MatrixError(400, 'M_UNKNOWN', `'${name}' parameter is invalid`);
  return position;
}

export const roomMessagesRoute: Route = {
  methods: ['GET'],
  pattern: new RegExp(`${ROOM}\\/messages$`),
  auth: 'admin',
  handle({ params, state, query, nowMs }) {
    const direction = queryDirection(query);
    // Synapse reads both strings (ascii checks) before parsing either token.
    const fromToken = queryString(query, 'from');
    const toToken = queryString(query, 'to');
    const from = parseToken(fromToken, 'from');
    const to = parseToken(toToken, 'to');
    const limit = Math.min(queryInteger(query, 'limit', 10) ?? 10, MAX_LIMIT);
    const filter = eventFilterFromQuery(query);
    // Backwards from a stream-only token, Synapse binds its stream position to find the topological one.
    if (direction === 'b' && fromToken?.startsWith('s')) bindSqlInteger(pythonInt(fromToken.slice(1).split('_')[0] ?? ''));
    filter.toClause();
    const timeline = state.rooms.get(params[0] ?? '')?.timeline ?? [];
    const start = from ?? (direction === 'f' ? 0 : state.events.currentStreamOrdering());
    const candidates = direction === 'f'
      ? timeline.filter((event) => event.streamOrdering > start && (to === undefined || event.streamOrdering <= to))
      : timeline.filter((event) => event.streamOrdering <= start && (to === undefined || event.streamOrdering > to)).reverse();
    const chunk = candidates.filter((event) => filter.accepts(event)).slice(0, limit);
    const response: Record<string, unknown> = { chunk: chunk.map((event) => renderEvent(event, nowMs)), start: streamToken(start) };
    const last = chunk.at(-1);
    if (last !== undefined) response.end = streamToken(direction === 'f' ? last.streamOrdering : last.streamOrdering - 1);
    return response;
  },
};

export const timestampToEventRoute: Route = {
  methods: ['GET'],
  pattern: new RegExp(`${ROOM}\\/timestamp_to_event$`),
  auth: 'admin',
  handle({ params, state, query }) {
    const exactTs = requireInteger(query, 'ts');
    const direction = queryDirection(query);
    bindSqlInteger(exactTs);
    const ts = Number(exactTs);
    const timeline = state.rooms.get(params[0] ?? '')?.timeline ?? [];
    const found = direction === 'f'
      ? timeline.filter((event) => event.originServerTs >= ts).sort((a, b) => a.originServerTs - b.originServerTs)[0]
      : timeline.filter((event) => event.originServerTs <= ts).sort((a, b) => b.originServerTs - a.originServerTs)[0];
    if (found === undefined) {
      const name = direction === 'f' ? 'Direction.FORWARDS' : 'Direction.BACKWARDS';
      throw new MatrixError(404, 'M_NOT_FOUND', `Unable to find event from ${exactTs} in direction ${name}`);
    }
    return { event_id: found.eventId, origin_server_ts: found.originServerTs };
  },
};
