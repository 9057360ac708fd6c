// The two endpoints every index serves — a page by keyset cursor, and an export of everything — written once
// for rooms and destinations: both answer from the facade's store, never asking Synapse.
import { z } from 'zod';
import type { FacadeContext } from '../../../pipeline/context.ts';
import { exportIndex, type ExportFormat } from '../../../index/export.ts';
import { INDEX_AGE_HEADER, indexAgeSeconds, indexPage } from '../../../index/query.ts';
import type { CursorBinding } from '../../../index/cursor.ts';
import type { IndexKind } from '../../../store/index-fields.ts';
import type { IndexedRow, IndexFilter } from '../../../store/store.ts';
import { defineFacadeApi, type FacadeApi } from '../declare.ts';

/** The tag of every index endpoint in the OpenAPI document. */
export const INDEX_TAG = 'Facade: index';

type Order = { order_by: string; dir: 'f' | 'b' };

/** What differs between the room and the destination listing. */
export interface IndexListing<ListQuery extends Order & { limit: number; cursor?: string }, ExportQuery extends Order & { format: ExportFormat }> {
  kind: IndexKind;
  /** The listing's path; the export is at `<path>/export`. */
  path: `/_facade/v1/${string}`;
  /** What the listing holds, for summaries ("rooms", "federation destinations"). */
  noun: string;
  /** Extra description of the filters. */
  filters: string;
  listQuery: z.ZodType<ListQuery>;
  exportQuery: z.ZodType<ExportQuery>;
  page: z.ZodType;
  item: z.ZodType;
  filterOf: (query: ListQuery | ExportQuery) => IndexFilter;
  itemOf: (row: IndexedRow) => Record<string, unknown>;
}

const bindingOf = (kind: IndexKind, filter: IndexFilter, { order_by, dir }: Order): CursorBinding => ({ kind, filter, orderBy: order_by, descending: dir === 'b' });

const AGE_NOTE =
  `Answers carry \`${INDEX_AGE_HEADER}\`: whole seconds since the index's last complete sweep of Synapse's list finished. ` +
  'Until the first complete sweep the index answers 503 M_UNKNOWN (not ready) rather than a partial listing.';

/** The listing and export endpoints of one index. */
export function indexListingApis<ListQuery extends Order & { limit: number; cursor?: string }, ExportQuery extends Order & { format: ExportFormat }>(
  context: FacadeContext,
  listing: IndexListing<ListQuery, ExportQuery>,
): FacadeApi[] {
  const { kind, path, noun } = listing;
  return [
    defineFacadeApi({
      method: 'get',
      path,
      tag: INDEX_TAG,
      summary: `${noun[0]!.toUpperCase()}${noun.slice(1)} from the facade index: searched, filtered and sorted, by keyset pages`,
      description:
        `${listing.filters} Filters combine with AND. Sorted by \`order_by\` in \`dir\`, ties by the key in the same direction; ` +
        'missing values (null) come last in both directions, whichever database Synapse uses. `next_cursor` and `prev_cursor` ' +
        'are positions (a sort value and a key), not offsets: items added or removed meanwhile never shift a page, so paging ' +
        'neither repeats nor skips an item that stays (an item whose sort field changes meanwhile may move). Paging by ' +
        '`first_seen` sees every item present at the start, then those added meanwhile, in order. A cursor is valid only with ' +
        `the same filters, \`order_by\` and \`dir\` (400 otherwise); \`limit\` may change. \`total\` counts every matching item. ${AGE_NOTE}`,
      query: listing.listQuery,
      response: listing.page,
      errors: [400],
      handle: async (c, { query }) => {
        const age = await indexAgeSeconds(context.store, kind);
        const binding = bindingOf(kind, listing.filterOf(query), query);
        const page = await indexPage(context.store, binding, { limit: query.limit, cursor: query.cursor });
        c.header(INDEX_AGE_HEADER, String(age));
        return c.json({
          [kind]: page.rows.map(listing.itemOf),
          total: page.total,
          ...(page.nextCursor ? { next_cursor: page.nextCursor } : {}),
          ...(page.prevCursor ? { prev_cursor: page.prevCursor } : {}),
        });
      },
    }),
    defineFacadeApi({
      method: 'get',
      path: `${path}/export`,
      tag: INDEX_TAG,
      summary: `Every matching ${noun.replace(/s$/, '')} of the facade index as a download (NDJSON, CSV or JSON)`,
      description:
        `The filters and order of GET ${path}, with no cap: the index is read in keyset pages of 1000 only as fast as the ` +
        'client takes them, so memory stays constant. Each item is the listing’s item. CSV (RFC 4180, CRLF) has a header row ' +
        'and every field of the listing in a fixed column order (nulls empty); text a spreadsheet would run as a formula ' +
        "(starting with = + - @, tab or CR) is prefixed with `'`. `Content-Disposition: attachment` names the file. A store " +
        `failure after the first page cuts the download (no final chunk). ${AGE_NOTE}`,
      query: listing.exportQuery,
      response: z.array(listing.item),
      ndjson: { when: '`format=ndjson` (the default)', line: listing.item },
      csv: { when: '`format=csv`', description: 'RFC 4180 CSV: a header row naming the columns, then one row per item.' },
      errors: [400],
      handle: async (c, { query }) => {
        const age = await indexAgeSeconds(context.store, kind);
        const binding = bindingOf(kind, listing.filterOf(query), query);
        // A store failure after the first page drops the connection: the download ends without its final chunk.
        const cut = () => c.env.outgoing.destroy();
        const download = await exportIndex(context.store, binding, { format: query.format, itemOf: listing.itemOf, cut });
        return c.body(download.body, 200, {
          'content-type': download.contentType,
          'content-disposition': `attachment; filename="${download.filename}"`,
          [INDEX_AGE_HEADER]: String(age),
        });
      },
    }),
  ];
}
