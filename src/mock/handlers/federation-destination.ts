// One destination: details, its rooms, and reset_connection (Synapse: rest/admin/federation.py).
import type { Route } from '../internal/route.ts';
import type { MockState } from '../data.ts';
import type { DestinationRecord } from '../data/types.ts';
import { MatrixError } from '../internal/respond.ts';
import { bindSqlInteger, queryBigInteger, queryDirection, queryInteger } from '../internal/query.ts';
import { compareDirected, page } from '../internal/sqlite.ts';
import { nextToken } from './federation-destinations.ts';

const PREFIX = String.raw`^\/_synapse\/admin\/v1\/federation\/destinations`;

function knownDestination(state: MockState, destination: string): DestinationRecord {
  const row = state.destinations.get(destination);
  if (row === undefined) throw new MatrixError(404, 'M_NOT_FOUND', 'Unknown destination');
  return row;
}

/** Synapse: get_destination_retry_timings is None unless retry_last_ts is non-zero. */
const isBackingOff = (row: DestinationRecord): boolean => row.retryLastTs !== null && row.retryLastTs !== 0;

export const destinationDetailsRoute: Route = {
  methods: ['GET'],
  pattern: new RegExp(`${PREFIX}\\/([^/]*)$`),
  auth: 'admin',
  handle({ params, state }) {
    const destination = params[0] ?? '';
    const row = knownDestination(state, destination);
    const backingOff = isBackingOff(row);
    // Details zero the timings whenever retry_last_ts is 0/NULL (the list does not).
    return {
      destination,
      retry_last_ts: backingOff ? row.retryLastTs : 0,
      retry_interval: backingOff ? row.retryInterval : 0,
      failure_ts: backingOff ? row.failureTs : null,
      last_successful_stream_ordering: row.lastSuccessfulStreamOrdering,
    };
  },
};

export const destinationRoomsRoute: Route = {
  methods: ['GET'],
  pattern: new RegExp(`${PREFIX}\\/([^/]*)\\/rooms$`),
  auth: 'admin',
  handle({ params, state, query }) {
    const destination = params[0] ?? '';
    knownDestination(state, destination);
    const from = queryInteger(query, 'from', 0) ?? 0;
    const limit = queryInteger(query, 'limit', 100) ?? 100;
    const descending = queryDirection(query) === 'b';
    bindSqlInteger(queryBigInteger(query, 'from'));
    bindSqlInteger(queryBigInteger(query, 'limit'));
    const rooms = [...(state.destinationRooms.get(destination) ?? [])];
    rooms.sort((a, b) => compareDirected(a.roomId, b.roomId, descending));
    const rows = page(rooms, from, limit).map((row) => ({ room_id: row.roomId, stream_ordering: row.streamOrdering }));
    return { rooms: rows, total: rooms.length, ...nextToken(from, limit, rows.length, rooms.length) };
  },
};

export const resetConnectionRoute: Route = {
  methods: ['POST'],
  pattern: new RegExp(`${PREFIX}\\/([^/]+)\\/reset_connection$`),
  auth: 'admin',
  handle({ params, state }) {
    const row = knownDestination(state, params[0] ?? '');
    // The body is never read.
    if (!isBackingOff(row)) {
      throw new MatrixError(400, 'M_UNKNOWN', 'The retry timing does not need to be reset for this destination.');
    }
    row.failureTs = null;
    row.retryLastTs = 0;
    row.retryInterval = 0;
    return {};
  },
};
