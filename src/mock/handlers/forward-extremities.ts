// GET/DELETE /_synapse/admin/v1/rooms/<room_id_or_alias>/forward_extremities (Synapse: ForwardExtremitiesRestServlet).
import type { Route } from '../internal/route.ts';
import { internalServerError } from '../internal/respond.ts';
import { resolveRoomIdOrAlias } from '../internal/resolve-room.ts';

const PATTERN = /^\/_synapse\/admin\/v1\/rooms\/([^/]*)\/forward_extremities$/;

export const getForwardExtremitiesRoute: Route = {
  methods: ['GET'],
  pattern: PATTERN,
  auth: 'admin',
  handle({ params, state }) {
    const roomId = resolveRoomIdOrAlias(state, params[0] ?? '');
    const extremities = state.rooms.get(roomId)?.forwardExtremities ?? [];
    return {
      count: extremities.length,
      results: extremities.map((row) => ({ event_id: row.eventId, state_group: row.stateGroup, depth: row.depth, received_ts: row.receivedTs })),
    };
  },
};

export const deleteForwardExtremitiesRoute: Route = {
  methods: ['DELETE'],
  pattern: PATTERN,
  auth: 'admin',
  handle({ params, state }) {
    const roomId = resolveRoomIdOrAlias(state, params[0] ?? '');
    const room = state.rooms.get(roomId);
    const extremities = room?.forwardExtremities ?? [];
    const newest = [...extremities].sort((a, b) => b.streamOrdering - a.streamOrdering)[0];
    // Synapse bug: rows[0] raises IndexError but only KeyError is caught → 500.
    if (room === undefined || newest === undefined) throw internalServerError();
    room.forwardExtremities = [newest];
    return { deleted: extremities.length - 1 };
  },
};
