// GET /_synapse/admin/v1/rooms/<room_id>/context/<event_id> (Synapse: rest/admin/rooms.py RoomEventContextServlet).
import type { Route } from '../internal/route.ts';
import { MatrixError, internalServerError } from '../internal/respond.ts';
import { bindSqlInteger, queryBigInteger } from '../internal/query.ts';
import { streamToken } from '../internal/stream-token.ts';
import { eventFilterFromQuery } from '../internal/event-filter.ts';
import { renderEvent } from '../data/events.ts';
import { hasEvents } from '../data/lazy-rooms.ts';

export const roomContextRoute: Route = {
  methods: ['GET'],
  pattern: /^\/_synapse\/admin\/v1\/rooms\/([^/]*)\/context\/([^/]*)$/,
  auth: 'admin',
  handle({ params, state, query, nowMs }) {
    const [roomId = '', eventId = ''] = params;
    // No cap on limit; half before (`math.floor(limit / 2.0)`, a float), the rest after.
    const exactLimit = queryBigInteger(query, 'limit', 10n) ?? 10n;
    const filter = eventFilterFromQuery(query);
    const limit = Number(exactLimit);
    // Python's int → float conversion raises OverflowError once the int rounds to 2^1024 or more.
    if (!Number.isFinite(limit)) throw internalServerError();
    const beforeLimit = Math.floor(limit / 2);
    // A room of a large data set nobody has read has no events yet, so none of them can be the one asked for.
    const owner = [...state.rooms.values()].find((room) => hasEvents(room) && room.timeline.some((event) => event.eventId === eventId));
    if (owner === undefined) throw new MatrixError(404, 'M_NOT_FOUND', 'Event not found.');
    if (owner.roomId !== roomId) throw new MatrixError(404, 'M_UNKNOWN', 'No row found (events)');
    const index = owner.timeline.findIndex((event) => event.eventId === eventId);
    const event = owner.timeline[index];
    if (event === undefined) throw new MatrixError(404, 'M_NOT_FOUND', 'Event not found.');
    // Each side asks SQLite for twice its share.
    bindSqlInteger(2n * BigInt(beforeLimit));
    bindSqlInteger(2n * (exactLimit - BigInt(beforeLimit)));
    filter.toClause();
    const accepts = (item: typeof event) => filter.accepts(item);
    const before = owner.timeline.slice(0, index).filter(accepts).reverse().slice(0, beforeLimit);
    const after = owner.timeline.slice(index + 1).filter(accepts).slice(0, limit - beforeLimit);
    const render = (list: typeof before): Record<string, unknown>[] => list.map((item) => renderEvent(item, nowMs));
    return {
      events_before: render(before),
      event: renderEvent(event, nowMs),
      events_after: render(after),
      state: render([...owner.state.values()]),
      start: streamToken((before.at(-1) ?? event).streamOrdering - 1),
      end: streamToken((after.at(-1) ?? event).streamOrdering),
    };
  },
};
