// GET /_synapse/admin/v1/federation/destinations — the destinations list (Synapse: rest/admin/federation.py, storage transactions.py).
import type { Route } from '../internal/route.ts';
import type { DestinationRecord } from '../data/types.ts';
import type { SqlValue } from '../internal/sqlite.ts';
import { bindSqlInteger, queryBigInteger, queryDirection, queryInteger, queryString } from '../internal/query.ts';
import { compareDirected, compareSqlValues, likeMatcher, page } from '../internal/sqlite.ts';

const ORDER_BY = ['destination', 'retry_last_ts', 'retry_interval', 'failure_ts', 'last_successful_stream_ordering'] as const;
type DestinationOrder = (typeof ORDER_BY)[number];

function column(row: DestinationRecord, orderBy: DestinationOrder): SqlValue {
  switch (orderBy) {
    case 'destination': return row.destination;
    case 'retry_last_ts': return row.retryLastTs;
    case 'retry_interval': return row.retryInterval;
    case 'failure_ts': return row.failureTs;
    case 'last_successful_stream_ordering': return row.lastSuccessfulStreamOrdering;
  }
}

/** A list row: NULL → 0 for the two retry columns only. */
export function renderDestinationRow(row: DestinationRecord): Record<string, unknown> {
  return {
    destination: row.destination,
    retry_last_ts: row.retryLastTs ?? 0,
    retry_interval: row.retryInterval ?? 0,
    failure_ts: row.failureTs,
    last_successful_stream_ordering: row.lastSuccessfulStreamOrdering,
  };
}

/** `next_token` is a string, present iff from + limit < total. */
export function nextToken(from: number, limit: number, pageLength: number, total: number): { next_token?: string } {
  return from + limit < total ? { next_token: String(from + pageLength) } : {};
}

export const listDestinationsRoute: Route = {
  methods: ['GET'],
  pattern: /^\/_synapse\/admin\/v1\/federation\/destinations$/,
  auth: 'admin',
  handle({ query, state }) {
    const from = queryInteger(query, 'from', 0) ?? 0;
    const limit = queryInteger(query, 'limit', 100) ?? 100;
    const term = queryString(query, 'destination');
    const orderBy = queryString(query, 'order_by', { allowed: ORDER_BY, fallback: 'destination' }) as DestinationOrder;
    const descending = queryDirection(query) === 'b';
    bindSqlInteger(queryBigInteger(query, 'from'));
    bindSqlInteger(queryBigInteger(query, 'limit'));
    const like = term ? likeMatcher(`%${term}%`) : undefined;
    const matching = [...state.destinations.values()].filter((row) => like === undefined || like(row.destination));
    // Synapse: ORDER BY <column> <dir>, destination ASC — the tiebreak never flips.
    matching.sort((a, b) => compareDirected(column(a, orderBy), column(b, orderBy), descending) || compareSqlValues(a.destination, b.destination));
    const rows = page(matching, from, limit);
    return { destinations: rows.map(renderDestinationRow), total: matching.length, ...nextToken(from, limit, rows.length, matching.length) };
  },
};
