// Exports of the index: every row matching a query, read by keyset pages only as fast as the client takes
// them (constant memory, no cap), written as NDJSON, CSV (RFC 4180) or one JSON array.
import { fromStore } from '../pipeline/store-answer.ts';
import { INDEXES, type IndexKind } from '../store/index-fields.ts';
import type { IndexedRow, Store } from '../store/store.ts';
import type { CursorBinding } from './cursor.ts';
import { positionOf } from './query.ts';

/** Rows read from the store per page of an export; the next page is read only once this one is sent. */
export const EXPORT_PAGE_ROWS = 1000;

/** The formats of an export. */
export type ExportFormat = 'ndjson' | 'csv' | 'json';

/** How one format writes rows: media type, file extension, what comes before, between and after them. */
interface Writer {
  contentType: string;
  extension: string;
  head: string;
  line: (item: Record<string, unknown>, index: number) => string;
  tail: string;
}

/** The CSV columns of an index: its key, every list field, then the facade's own columns. */
export function csvColumns(kind: IndexKind): string[] {
  const { key, fields } = INDEXES[kind];
  return [key, ...fields.map((field) => field.name), 'first_seen', 'last_seen', ...(kind === 'rooms' ? ['blocked'] : [])];
}

/**
 * One CSV field (RFC 4180): null as an empty field, quoted when it holds a comma, a quote or a line break.
 * Text a spreadsheet would run as a formula (starting with = + - @ tab or CR) gets a leading `'`, since room
 * names and aliases are written by any Matrix user (OWASP "CSV injection"); the NDJSON export is unchanged.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value.replace(/^[=+\-@\t\r]/, "'$&") : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function writerOf(kind: IndexKind, format: ExportFormat): Writer {
  if (format === 'csv') {
    const columns = csvColumns(kind);
    return {
      contentType: 'text/csv; charset=utf-8; header=present',
      extension: 'csv',
      head: `${columns.join(',')}\r\n`,
      line: (item) => `${columns.map((column) => csvField(item[column])).join(',')}\r\n`,
      tail: '',
    };
  }
  if (format === 'json') return { contentType: 'application/json', extension: 'json', head: '[', line: (item, index) => `${index ? ',' : ''}\n${JSON.stringify(item)}`, tail: '\n]\n' };
  return { contentType: 'application/x-ndjson', extension: 'ndjson', head: '', line: (item) => `${JSON.stringify(item)}\n`, tail: '' };
}

/** A download's name: the index and the time of the export, e.g. `rooms-20250301T120000Z.csv`. */
export const exportFilename = (kind: IndexKind, extension: string, now = Date.now()): string =>
  `${kind}-${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.${extension}`;

/** How an export is written. */
export interface ExportOptions {
  format: ExportFormat;
  /** A row as answered (the listing's item). */
  itemOf: (row: IndexedRow) => Record<string, unknown>;
  /**
   * Drops the connection when a later page cannot be read. Needed because @hono/node-server answers a stream
   * that errors by ending the body cleanly with `Error: <message>` appended: a download that looks whole, with
   * the database's error text in it.
   */
  cut?: () => void;
  /** Rows per store read (default EXPORT_PAGE_ROWS). */
  pageRows?: number;
}

/** An export ready to send: its headers and its body stream. */
export interface IndexExport {
  contentType: string;
  filename: string;
  body: ReadableStream<Uint8Array>;
}

/**
 * Every row matching `binding`, in its order. The first page is read before answering, so an unavailable store
 * is a 503, not a cut download; later pages are read on the stream's pull, i.e. once the client has taken the
 * previous one. A store failing mid-way calls `cut` (which drops the connection, so the response ends without its
 * final chunk and a client never takes a partial export for a whole one), or without it errors the stream.
 * Keyset pages: rows that stay are each written once.
 */
export async function exportIndex(
  store: Store,
  binding: CursorBinding,
  { format, itemOf, cut, pageRows = EXPORT_PAGE_ROWS }: ExportOptions,
): Promise<IndexExport> {
  const writer = writerOf(binding.kind, format);
  const query = { kind: binding.kind, filter: binding.filter, orderBy: binding.orderBy, descending: binding.descending, limit: pageRows };
  let page: IndexedRow[] | undefined = await fromStore(() => store.queryIndex(query));
  let written = 0;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (writer.head) controller.enqueue(encoder.encode(writer.head));
      },
      async pull(controller) {
        // Every pull enqueues or closes: a pull that does neither is never called again, and the download hangs.
        if (!page || page.length === 0) {
          if (writer.tail) controller.enqueue(encoder.encode(writer.tail));
          return controller.close();
        }
        const rows = page;
        controller.enqueue(encoder.encode(rows.map((row) => writer.line(itemOf(row), written++)).join('')));
        if (rows.length < pageRows) return void (page = undefined);
        try {
          page = await store.queryIndex({ ...query, after: positionOf(binding, rows.at(-1)!) });
        } catch (error) {
          // The store's hook has logged and counted the failure; the client must not see an end.
          if (!cut) throw error;
          cut();
          controller.close();
        }
      },
      cancel() {
        page = undefined;
      },
    },
    // One chunk (a page) queued at most: the store is read no faster than the client reads.
    { highWaterMark: 1 },
  );
  return { contentType: writer.contentType, filename: exportFilename(binding.kind, writer.extension), body };
}
