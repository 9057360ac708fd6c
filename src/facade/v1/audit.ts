// GET /_facade/v1/audit: the audit trail, newest first, by keyset pages or streamed whole as NDJSON.
import { createHash } from 'node:crypto';
import { auditEntryOut, auditPageOut, auditQuery, type AuditEntryOut, type AuditQueryIn } from '../../../schemas/audit.ts';
import { FacadeError } from '../../errors.ts';
import type { FacadeContext } from '../../pipeline/context.ts';
import type { AuditEntry, AuditPosition, AuditQuery } from '../../store/store.ts';
import { defineFacadeApi, type FacadeApi } from './declare.ts';
import { fromStore } from '../../pipeline/store-answer.ts';

/** Rows read from the store per NDJSON chunk: one query per this many rows, each sent before the next is read. */
export const NDJSON_PAGE_ROWS = 500;

/** A stored row as the API answers it. */
export function auditEntryJson(entry: AuditEntry): AuditEntryOut {
  return {
    id: entry.id,
    at: new Date(entry.at).toISOString(),
    at_ms: entry.at,
    kind: entry.kind,
    action: entry.action,
    method: entry.method,
    path: entry.path,
    room_id: entry.roomId,
    admin: entry.admin,
    status: entry.status,
    duration_ms: entry.durationMs,
    request_id: entry.requestId,
    details: entry.details,
  };
}

type Filters = Omit<AuditQuery, 'before' | 'limit'>;

const filtersOf = (query: AuditQueryIn): Filters => ({
  roomId: query.room_id,
  admin: query.admin,
  action: query.action,
  since: query.since,
  until: query.until,
});

/** A short digest of the filters, so a cursor only continues the listing it came from. */
const filterDigest = (filters: Filters): string =>
  createHash('sha256')
    .update(JSON.stringify([filters.roomId, filters.admin, filters.action, filters.since, filters.until].map((value) => value ?? null)))
    .digest('base64url')
    .slice(0, 16);

/** The opaque cursor: the last row's position and the filters' digest, as base64url JSON. */
const encodeCursor = (last: AuditEntry, filters: Filters): string =>
  Buffer.from(JSON.stringify([last.at, last.id, filterDigest(filters)])).toString('base64url');

/** The largest row ID a store can hold (a signed 64-bit integer on SQLite and PostgreSQL). */
const MAX_ROW_ID = 2n ** 63n - 1n;

const invalidCursor = (why: string) => new FacadeError(400, 'M_INVALID_PARAM', `Invalid query parameter 'cursor': ${why}`);

/** The position a cursor names; 400 for a cursor that is not one of ours or was issued for other filters. */
function decodeCursor(cursor: string, filters: Filters): AuditPosition {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('not a cursor of this listing');
  }
  const [at, id, digest] = Array.isArray(fields) && fields.length === 3 ? fields : [];
  const isRowId = typeof id === 'string' && /^\d{1,19}$/.test(id) && BigInt(id) <= MAX_ROW_ID;
  if (!Number.isSafeInteger(at) || !isRowId || typeof digest !== 'string') {
    throw invalidCursor('not a cursor of this listing');
  }
  if (digest !== filterDigest(filters)) throw invalidCursor('it was issued for other filters (room_id, admin, action, since, until)');
  return { at: at as number, id };
}

/**
 * Every matching row as NDJSON, one store page at a time: the next page is read only when the client has
 * taken the previous one (the stream's pull), so a slow reader holds one page, not the trail. A store that
 * fails mid-way cuts the answer (no final chunk), so a client never takes a partial listing for a whole one.
 */
function ndjsonStream(context: FacadeContext, filters: Filters, first: AuditEntry[]): ReadableStream<Uint8Array> {
  let page = first;
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (page.length > 0) controller.enqueue(encoder.encode(page.map((entry) => `${JSON.stringify(auditEntryJson(entry))}\n`).join('')));
      if (page.length < NDJSON_PAGE_ROWS) return controller.close();
      const last = page[page.length - 1]!;
      page = await context.store.listAudit({ ...filters, before: { at: last.at, id: last.id }, limit: NDJSON_PAGE_ROWS });
    },
  });
}

/** The audit endpoint. */
export function auditApis(context: FacadeContext): FacadeApi[] {
  return [
    defineFacadeApi({
      method: 'get',
      path: '/_facade/v1/audit',
      tag: 'Facade: audit',
      summary: 'The audit trail: every admin mutation and login through the facade, newest first',
      description:
        'Filters combine with AND; `since` and `until` are inclusive. JSON pages follow `next_cursor`, which continues ' +
        'only the listing with the same filters (rows written meanwhile are newer and never shift a page). ' +
        '`format=ndjson` streams every matching row (older than `cursor`, when given), ignoring `limit`.',
      query: auditQuery,
      response: auditPageOut,
      ndjson: { when: '`format=ndjson`', line: auditEntryOut },
      errors: [400],
      handle: async (c, { query }) => {
        const filters = filtersOf(query);
        const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor, filters);
        if (query.format === 'ndjson') {
          // The first page is read before answering, so an unavailable store is a 503, not a cut stream.
          const first = await fromStore(() => context.store.listAudit({ ...filters, before, limit: NDJSON_PAGE_ROWS }));
          return c.body(ndjsonStream(context, filters, first), 200, { 'content-type': 'application/x-ndjson' });
        }
        // One row more than the page tells whether another page follows.
        const rows = await fromStore(() => context.store.listAudit({ ...filters, before, limit: query.limit + 1 }));
        const entries = rows.slice(0, query.limit);
        const last = entries[entries.length - 1];
        return c.json({
          entries: entries.map(auditEntryJson),
          ...(rows.length > query.limit && last ? { next_cursor: encodeCursor(last, filters) } : {}),
        });
      },
    }),
  ];
}
