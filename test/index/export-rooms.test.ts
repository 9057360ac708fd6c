// GET /_facade/v1/rooms/export and …/federation/destinations/export: every matching item in the listing's order,
// as NDJSON, CSV (RFC 4180, every field, formulas defused) or one JSON array, with a download filename — read from
// the store one page at a time, only as fast as the client reads.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { csvColumns, exportIndex } from '../../src/index/export.ts';
import { roomItemOf } from '../../src/index/query.ts';
import { DEFAULT_ADMIN_TOKEN, type MockSynapse } from '../../src/mock/server.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { IndexedItemInput } from '../../src/store/store.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { destinationItem, fillIndex, get, page, roomItem, startQueryFacade } from './support/query-harness.ts';

const EXPORT = '/_facade/v1/rooms/export';
let mock: MockSynapse;
let facade: TestFacade;

/** 2,500 rooms (three store pages), a few with names a CSV must quote or defuse. */
const ITEMS: IndexedItemInput[] = [
  ...Array.from({ length: 2_495 }, (_, index) =>
    roomItem(`!r${String(index).padStart(5, '0')}:hs`, { name: index % 7 === 0 ? null : `room ${index % 50}`, public: index % 3 === 0, joined_members: index % 11 }),
  ),
  roomItem('!quote:hs', { name: 'say "hi", then\r\nleave', public: true, joined_members: 4 }),
  roomItem('!formula:hs', { name: '=HYPERLINK("http://evil.example")', public: true, joined_members: 4 }),
  roomItem('!minus:hs', { name: '-1+2', canonical_alias: '@alias', public: true, joined_members: 4 }),
  roomItem('!unicode:hs', { name: 'Ärger, Ｃａｆé', public: true, joined_members: 4, room_type: 'm.space' }),
  roomItem('!plain:hs', { name: 'plain', public: true, joined_members: 4, encryption: 'm.megolm.v1.aes-sha2' }),
];

beforeAll(async () => {
  ({ mock, facade } = await startQueryFacade());
  await fillIndex(facade, 'rooms', ITEMS);
  await facade.context.store.setRoomBlocked('!plain:hs', true);
  await fillIndex(facade, 'destinations', [destinationItem('a.example', { failure_ts: 5 }), destinationItem('b.example')]);
});
afterAll(async () => {
  await facade?.close();
  await mock?.close();
});

/** Every item of the JSON listing for `query`, page by page. */
async function listed(query: Record<string, string>): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let cursor: string | undefined;
  do {
    const answer = await page(facade, '/_facade/v1/rooms', { ...query, limit: '1000', ...(cursor ? { cursor } : {}) });
    items.push(...answer.rooms!);
    cursor = answer.next_cursor;
  } while (cursor);
  return items;
}

/** RFC 4180 records: fields split on commas, quoted fields may hold commas, CRLF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let at = 0;
  while (at < text.length) {
    if (text[at] === '"') {
      // A quoted field: up to the quote that is not doubled.
      for (at += 1; at < text.length; at += 1) {
        if (text[at] === '"' && text[at + 1] === '"') {
          field += '"';
          at += 1;
        } else if (text[at] === '"') break;
        else field += text[at];
      }
      at += 1;
    } else if (text[at] === ',') {
      record.push(field);
      field = '';
      at += 1;
    } else if (text.startsWith('\r\n', at)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      at += 2;
    } else {
      field += text[at];
      at += 1;
    }
  }
  expect(field === '' && record.length === 0, 'the file ends with CRLF').toBe(true);
  return records;
}

/** A cell as the export writes a value: empty for null, a defused formula, JSON text otherwise. */
const cellOf = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'string' ? value.replace(/^[=+\-@\t\r]/, "'$&") : String(value));

describe('the room export', () => {
  it('streams every matching room as NDJSON, in the order and with the items of the listing, with a download name and the index age', async () => {
    const query = { public: 'true', order_by: 'joined_members', dir: 'b' };
    const answer = await get(facade, EXPORT, query);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/x-ndjson');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="rooms-\d{8}T\d{6}Z\.ndjson"$/);
    expect(answer.headers.get('x-facade-index-age')).toMatch(/^\d+$/);
    const lines = answer.text.split('\n');
    expect(lines.pop()).toBe('');
    const expected = await listed(query);
    expect(expected.length).toBeGreaterThan(800);
    expect(lines.map((line) => JSON.parse(line))).toEqual(expected);
  });

  it('has no cap: every room of the index, past the JSON page limit', async () => {
    const answer = await get(facade, EXPORT, { order_by: 'room_id' });
    const roomIds = answer.text.trim().split('\n').map((line) => (JSON.parse(line) as { room_id: string }).room_id);
    expect(roomIds).toEqual(ITEMS.map((item) => item.key).sort());
  });

  it('writes CSV with a header row, every field of the listing, RFC 4180 quoting and formulas defused', async () => {
    const answer = await get(facade, EXPORT, { public: 'true', joined_members_min: '4', joined_members_max: '4', order_by: 'room_id', format: 'csv' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="rooms-\d{8}T\d{6}Z\.csv"$/);
    const [header, ...rows] = parseCsv(answer.text);
    expect(header).toEqual([
      'room_id', 'name', 'canonical_alias', 'joined_members', 'joined_local_members', 'version', 'creator', 'encryption', 'federatable',
      'public', 'join_rules', 'guest_access', 'history_visibility', 'state_events', 'room_type', 'first_seen', 'last_seen', 'blocked',
    ]);
    const items = await listed({ public: 'true', joined_members_min: '4', joined_members_max: '4', order_by: 'room_id' });
    expect(rows).toEqual(items.map((item) => header!.map((column) => cellOf(item[column]))));
    const byRoom = new Map(rows.map((row) => [row[0], row]));
    expect(byRoom.get('!quote:hs')![1]).toBe('say "hi", then\r\nleave');
    expect(byRoom.get('!formula:hs')![1]).toBe('\'=HYPERLINK("http://evil.example")');
    expect(byRoom.get('!minus:hs')!.slice(1, 3)).toEqual(["'-1+2", "'@alias"]);
    expect(byRoom.get('!plain:hs')!.at(-1)).toBe('true');
    expect(answer.text).toContain('\r\n!quote:hs,"say ""hi"", then\r\nleave",');
  });

  it('writes one JSON array with format=json', async () => {
    const answer = await get<Array<Record<string, unknown>>>(facade, EXPORT, { q: 'ärger', format: 'json' });
    expect(answer.headers.get('content-type')).toBe('application/json');
    expect(answer.json).toEqual(await listed({ q: 'ärger' }));
    expect(answer.json).toHaveLength(1);
  });

  it('answers an empty export when nothing matches (a header row only for CSV)', async () => {
    expect((await get(facade, EXPORT, { q: 'no such room' })).text).toBe('');
    expect((await get(facade, EXPORT, { q: 'no such room', format: 'csv' })).text).toBe(`${csvColumns('rooms').join(',')}\r\n`);
    expect((await get(facade, EXPORT, { q: 'no such room', format: 'json' })).json).toEqual([]);
  });

  it('refuses an unknown format or order (400), and answers 503 before the first complete sweep', async () => {
    expect((await get(facade, EXPORT, { format: 'xml' })).status).toBe(400);
    expect((await get(facade, EXPORT, { order_by: 'nope' })).status).toBe(400);
    const fresh = await startTestFacade(mock.url);
    try {
      await fresh.index.stop();
      const answer = await get(fresh, EXPORT);
      expect(answer.status).toBe(503);
      expect(answer.json.error).toMatch(/not ready/);
    } finally {
      await fresh.close();
    }
  });
});

describe('reading the store', () => {
  it('takes pages of at most 1000 rows over HTTP, to the end', async () => {
    const reads = vi.spyOn(facade.context.store, 'queryIndex');
    try {
      const answer = await get(facade, EXPORT, { order_by: 'name' });
      expect(answer.text.trim().split('\n')).toHaveLength(ITEMS.length);
      expect(reads.mock.calls.map(([query]) => query.limit)).toEqual([1000, 1000, 1000]);
    } finally {
      reads.mockRestore();
    }
  });

  it('cuts the download when the store fails after the first page, so a partial export never looks whole', async () => {
    const real = facade.context.store.queryIndex.bind(facade.context.store);
    const reads = vi.spyOn(facade.context.store, 'queryIndex').mockImplementationOnce(real).mockRejectedValue(new Error('database is gone'));
    try {
      const response = await fetch(`${facade.url}${EXPORT}?format=csv`, { headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` } });
      expect(response.status).toBe(200);
      await expect(response.text()).rejects.toThrow();
    } finally {
      reads.mockRestore();
    }
  });

  it.each(['ndjson', 'csv', 'json'] as const)('ends when the rows fill the last page exactly (%s)', async (format) => {
    const store = await openSqliteStore(':memory:');
    try {
      await store.upsertIndexed('rooms', Array.from({ length: 30 }, (_, index) => roomItem(`!r${String(index).padStart(2, '0')}:hs`)), 1);
      const binding = { kind: 'rooms' as const, filter: {}, orderBy: 'room_id', descending: false };
      const { body } = await exportIndex(store, binding, { format, itemOf: roomItemOf, pageRows: 10 });
      const text = await new Response(body).text();
      const count = format === 'json' ? (JSON.parse(text) as unknown[]).length : text.trim().split(/\r?\n/).length - (format === 'csv' ? 1 : 0);
      expect(count).toBe(30);
    } finally {
      await store.close();
    }
  });

  it('reads the next page only once the reader has taken the one before (backpressure), one page ahead', async () => {
    const store = await openSqliteStore(':memory:');
    try {
      await store.upsertIndexed('rooms', Array.from({ length: 45 }, (_, index) => roomItem(`!r${String(index).padStart(2, '0')}:hs`)), 1);
      const reads = vi.spyOn(store, 'queryIndex');
      const binding = { kind: 'rooms' as const, filter: {}, orderBy: 'room_id', descending: false };
      const { body } = await exportIndex(store, binding, { format: 'ndjson', itemOf: roomItemOf, pageRows: 10 });
      const settled = async () => {
        for (let tick = 0; tick < 20; tick += 1) await new Promise((resolve) => setImmediate(resolve));
        return reads.mock.calls.length;
      };
      // The first page before answering, and the one the stream holds ready.
      expect(await settled()).toBe(2);
      const reader = body.getReader();
      const lines: string[] = [];
      for (let taken = 1; taken <= 4; taken += 1) {
        lines.push(...new TextDecoder().decode((await reader.read()).value).trim().split('\n'));
        expect(await settled()).toBe(Math.min(2 + taken, 5));
      }
      lines.push(...new TextDecoder().decode((await reader.read()).value).trim().split('\n'));
      expect((await reader.read()).done).toBe(true);
      expect(lines.map((line) => (JSON.parse(line) as { room_id: string }).room_id)).toHaveLength(45);
    } finally {
      await store.close();
    }
  });
});

describe('the destination export', () => {
  it('writes the destination columns with first_seen and last_seen, filtered like the listing', async () => {
    const answer = await get(facade, '/_facade/v1/federation/destinations/export', { format: 'csv', failing: 'true' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="destinations-\d{8}T\d{6}Z\.csv"$/);
    const [header, ...rows] = parseCsv(answer.text);
    expect(header).toEqual(['destination', 'retry_last_ts', 'retry_interval', 'failure_ts', 'last_successful_stream_ordering', 'first_seen', 'last_seen']);
    expect(rows.map((row) => row.slice(0, 5))).toEqual([['a.example', '0', '0', '5', '']]);
    const ndjson = await get(facade, '/_facade/v1/federation/destinations/export');
    expect(ndjson.text.trim().split('\n').map((line) => (JSON.parse(line) as { destination: string }).destination)).toEqual(['a.example', 'b.example']);
  });
});
