// The index in the store, on both databases: keyset pages that follow one total order (NULLs last both ways, ties by
// key) forwards and backwards, Unicode case-insensitive search, filters, removal after two missed complete sweeps,
// summary figures. SQLite's trigram table surviving a VACUUM is tested on SQLite alone.
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { IndexQueries } from '../../src/store/index-store.ts';
import { openSqliteStore, SQLITE_FILE } from '../../src/store/sqlite.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import type { IndexedItemInput, IndexFilter, IndexPosition } from '../../src/store/store.ts';
import { storeKinds, storePerTest } from '../support/stores.ts';

const room = (roomId: string, fields: Record<string, unknown> = {}): IndexedItemInput => ({
  key: roomId,
  item: { room_id: roomId, name: null, canonical_alias: null, joined_members: 1, joined_local_members: 1, version: '10', creator: '@a:hs', encryption: null, federatable: true, public: false, join_rules: 'invite', guest_access: null, history_visibility: 'shared', state_events: 5, room_type: null, ...fields },
});

/** The order the index promises, computed in JavaScript: NULLs last both ways, then the key, in `dir`. */
function expectedOrder(items: IndexedItemInput[], field: string, descending: boolean): string[] {
  const sign = descending ? -1 : 1;
  return [...items]
    .sort((a, b) => {
      const x = a.item[field] as number | string | null;
      const y = b.item[field] as number | string | null;
      if (x !== y) {
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : 1) * sign;
      }
      return (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) * sign;
    })
    .map((item) => item.key);
}

/** Every page of a query, by cursor, as keys. */
async function allPages(target: SqlStore, filter: IndexFilter, orderBy: string, descending: boolean, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let position: IndexPosition | undefined;
  for (;;) {
    const page = await target.queryIndex({ kind: 'rooms', filter, orderBy, descending, limit, after: position });
    if (page.length === 0) return seen;
    seen.push(...page.map((row) => row.key));
    const last = page.at(-1)!;
    position = { value: IndexQueries.sortValue('rooms', orderBy, last), key: last.key };
  }
}

/** What q must find, computed in JavaScript: the normalised substring over ID, name, alias and creator. */
const holding = (items: IndexedItemInput[], q: string) => {
  const needle = q.normalize('NFKC').toLowerCase();
  return items.filter(({ key, item }) => [key, item.name, item.canonical_alias, item.creator].some((part) => typeof part === 'string' && part.normalize('NFKC').toLowerCase().includes(needle)));
};


describe.each(storeKinds)('$name', (kind) => {
  const t = storePerTest(kind);

  describe('keyset pages', () => {
    it('walk forwards and backwards through exactly the promised order, any field, any direction (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.record({ id: fc.stringMatching(/^![a-z]{1,4}:hs$/), members: fc.option(fc.integer({ min: 0, max: 3 })), name: fc.option(fc.constantFrom('a', 'B', 'c')) }), { selector: (row) => row.id, minLength: 1, maxLength: 25 }),
          fc.constantFrom('joined_members', 'name', 'room_id'),
          fc.boolean(),
          fc.integer({ min: 1, max: 4 }),
          async (rows, field, descending, limit) => {
            const items = rows.map((row) => room(row.id, { joined_members: row.members, name: row.name }));
            await t.store.upsertIndexed('rooms', items, 1);
            try {
              const query = { kind: 'rooms' as const, filter: {}, orderBy: field, descending, limit };
              const seen: string[] = [];
              const pages: string[][] = [];
              let position: IndexPosition | undefined;
              for (;;) {
                const page = await t.store.queryIndex({ ...query, after: position });
                if (page.length === 0) break;
                pages.push(page.map((row) => row.key));
                seen.push(...page.map((row) => row.key));
                const last = page.at(-1)!;
                position = { value: IndexQueries.sortValue('rooms', field, last), key: last.key };
              }
              expect(seen).toEqual(expectedOrder(items, field, descending));
              // Backwards from the last page's first row, page by page, gives the same pages in reverse.
              const backPages: string[][] = [pages.at(-1)!];
              const head = (key: string) => ({ key, item: items.find((item) => item.key === key)!.item, firstSeen: 1, lastSeen: 1, blocked: null });
              let back: IndexPosition = { value: IndexQueries.sortValue('rooms', field, head(pages.at(-1)![0]!)), key: pages.at(-1)![0]! };
              for (;;) {
                const page = await t.store.queryIndex({ ...query, before: back });
                if (page.length === 0) break;
                backPages.unshift(page.map((row) => row.key));
                back = { value: IndexQueries.sortValue('rooms', field, page[0]!), key: page[0]!.key };
              }
              expect(backPages.flat()).toEqual(seen);
            } finally {
              // The next run starts from an empty index again.
              for (const item of items) await t.store.removeIndexed('rooms', item.key);
            }
          },
        ),
        { numRuns: 60, seed: 20261202 },
      );
    });
  });

  describe('search and filters', () => {
    it('q matches case-insensitively the Unicode way over name, alias, room ID and creator', async () => {
      await t.store.upsertIndexed('rooms', [
        room('!one:hs', { name: 'Ärger im Büro' }),
        room('!two:hs', { canonical_alias: '#ＳＰＡＭ:hs' }),
        room('!Three:hs', { creator: '@Spammer:hs' }),
        room('!four:hs', { name: '100%_real' }),
      ], 1);
      const keys = async (q: string) => (await t.store.queryIndex({ kind: 'rooms', filter: { q }, orderBy: 'room_id', descending: false, limit: 10 })).map((row) => row.key);
      expect(await keys('äRGER')).toEqual(['!one:hs']);
      expect(await keys('spam')).toEqual(['!Three:hs', '!two:hs']);
      expect(await keys('three')).toEqual(['!Three:hs']);
      // LIKE's wildcards are literal in q.
      expect(await keys('%_')).toEqual(['!four:hs']);
      expect(await keys('_')).toEqual(['!four:hs']);
    });

    it('equals, presence, ranges and the facade’s block flag combine with AND; counts agree', async () => {
      await t.store.upsertIndexed('rooms', [
        room('!a:hs', { joined_local_members: 0, encryption: 'm.megolm.v1.aes-sha2', public: true }),
        room('!b:hs', { joined_local_members: 0 }),
        room('!c:hs', { joined_local_members: 4, room_type: 'm.space', public: true }),
      ], 1);
      await t.store.setRoomBlocked('!b:hs', true);
      const keys = async (filter: object) => (await t.store.queryIndex({ kind: 'rooms', filter, orderBy: 'room_id', descending: false, limit: 10 })).map((row) => row.key);
      expect(await keys({ ranges: { joined_local_members: { max: 0 } } })).toEqual(['!a:hs', '!b:hs']);
      expect(await keys({ present: { encryption: true } })).toEqual(['!a:hs']);
      expect(await keys({ equals: { public: true, room_type: 'm.space' } })).toEqual(['!c:hs']);
      expect(await keys({ blocked: true })).toEqual(['!b:hs']);
      expect(await t.store.countIndex('rooms', { equals: { public: true } })).toBe(2);
      expect((await t.store.queryIndex({ kind: 'rooms', filter: { blocked: true }, orderBy: 'room_id', descending: false, limit: 1 }))[0]!.blocked).toBe(true);
    });
  });

  describe('search by trigrams', () => {
    it('finds exactly what a comparison of every row finds, frequent, clustered or rare q, in every order, paged and counted', async () => {
      // 4,600 rooms: more than a searched page walks before it asks the trigram table. The Zürich rooms all sort
      // last by name, so a walk from the start finds none of them; "room" is in every name.
      const items = Array.from({ length: 4_600 }, (_, i) =>
        room(`!r${String(i).padStart(5, '0')}:hs`, {
          name: i % 23 === 0 ? `Zürich Meetup ${i}` : `${['Alpha', 'Beta', 'Café'][i % 3]} room ${i}`,
          joined_members: i % 7,
          canonical_alias: i % 5 === 0 ? `#ＡＬＩＡＳ-${i}:hs` : null,
        }),
      );
      await t.store.upsertIndexed('rooms', items, 1);
      for (const q of ['ZÜRICH', 'room', 'café room 1', 'alias-46', 'r0459', 'nothing here', 'zü', '"quoted"']) {
        const matches = holding(items, q);
        expect(await t.store.countIndex('rooms', { q }), q).toBe(matches.length);
        for (const [orderBy, descending] of [['name', false], ['name', true], ['joined_members', false]] as const) {
          expect(await allPages(t.store, { q }, orderBy, descending, 100), `${q} by ${orderBy}`).toEqual(expectedOrder(matches, orderBy, descending));
        }
      }
    });

    it('follows every write: a renamed room is found by its new name only, a removed room no more', async () => {
      const found = async (q: string) => (await t.store.queryIndex({ kind: 'rooms', filter: { q }, orderBy: 'room_id', descending: false, limit: 10 })).map((row) => row.key);
      await t.store.upsertIndexed('rooms', [room('!a:hs', { name: 'Old name' }), room('!b:hs', { name: 'Other' }), room('!c:hs', { name: 'Third' })], 1);
      await t.store.upsertIndexed('rooms', [room('!a:hs', { name: 'New name' })], 2);
      expect(await found('old name')).toEqual([]);
      expect(await found('new name')).toEqual(['!a:hs']);
      await t.store.removeIndexed('rooms', '!b:hs');
      expect(await found('other')).toEqual([]);
      expect(await t.store.countIndex('rooms', { q: 'third' })).toBe(1);
    });
  });

  describe('sweeps', () => {
    it('keeps first_seen, and removes a row only after two complete sweeps missed it; an incomplete sweep removes nothing', async () => {
      await t.store.upsertIndexed('rooms', [room('!stay:hs'), room('!gone:hs')], 100);
      await t.store.finishIndexSweep({ kind: 'rooms', startedAt: 100, finishedAt: 110, complete: true, upstreamRequests: 1, rows: 2 });
      const sweep = async (at: number, complete: boolean) => {
        await t.store.upsertIndexed('rooms', [room('!stay:hs', { name: `seen ${at}` })], at);
        return t.store.finishIndexSweep({ kind: 'rooms', startedAt: at, finishedAt: at + 10, complete, upstreamRequests: 1, rows: 1 });
      };
      expect((await sweep(200, true)).removed).toBe(0);
      expect((await sweep(300, false)).removed).toBe(0);
      expect(await t.store.countIndex('rooms', {})).toBe(2);
      expect((await sweep(400, true)).removed).toBe(1);
      const [kept] = await t.store.queryIndex({ kind: 'rooms', filter: {}, orderBy: 'room_id', descending: false, limit: 5 });
      expect(kept).toMatchObject({ key: '!stay:hs', firstSeen: 100, lastSeen: 400, item: { name: 'seen 400' } });
      expect(await t.store.lastIndexSweep('rooms')).toMatchObject({ startedAt: 400, complete: true, removed: 1 });
    });

    it('summarises both indexes', async () => {
      await t.store.upsertIndexed('rooms', [
        room('!a:hs', { version: '10', encryption: 'x', public: true }),
        room('!b:hs', { version: '11', joined_local_members: 0, room_type: 'm.space' }),
        room('!c:hs', { version: '11' }),
      ], 1);
      await t.store.upsertIndexed('destinations', [
        { key: 'ok.example', item: { destination: 'ok.example', retry_last_ts: 0, retry_interval: 0, failure_ts: null, last_successful_stream_ordering: 5 } },
        { key: 'bad.example', item: { destination: 'bad.example', retry_last_ts: 10, retry_interval: 60, failure_ts: 1_000, last_successful_stream_ordering: null } },
        { key: 'worse.example', item: { destination: 'worse.example', retry_last_ts: 10, retry_interval: 60, failure_ts: 500, last_successful_stream_ordering: null } },
      ], 1);
      expect(await t.store.indexSummary()).toEqual({
        rooms: { total: 3, byVersion: { '10': 1, '11': 2 }, encrypted: 1, public: 1, spaces: 1, empty: 1 },
        destinations: { total: 3, failing: 2, oldestFailureTs: 500 },
      });
    });
  });

  describe('filtered totals', () => {
    it('never outlive a write, cached or not: an upsert, a block flag, a removal or a sweep counts anew', async () => {
      const publicRooms = () => t.store.countIndex('rooms', { equals: { public: true } });
      await t.store.upsertIndexed('rooms', [room('!a:hs', { public: true }), room('!b:hs')], 1);
      expect(await publicRooms()).toBe(1);
      expect(await publicRooms()).toBe(1);
      await t.store.upsertIndexed('rooms', [room('!c:hs', { public: true })], 2);
      expect(await publicRooms()).toBe(2);
      expect(await t.store.countIndex('rooms', { blocked: true })).toBe(0);
      await t.store.setRoomBlocked('!c:hs', true);
      expect(await t.store.countIndex('rooms', { blocked: true })).toBe(1);
      await t.store.removeIndexed('rooms', '!c:hs');
      expect(await publicRooms()).toBe(1);
      expect(await t.store.countIndex('rooms', { blocked: true })).toBe(0);
      await t.store.finishIndexSweep({ kind: 'rooms', startedAt: 10, finishedAt: 11, complete: true, upstreamRequests: 1, rows: 0 });
      await t.store.finishIndexSweep({ kind: 'rooms', startedAt: 20, finishedAt: 21, complete: true, upstreamRequests: 1, rows: 0 });
      expect(await publicRooms()).toBe(0);
    });
  });
});

describe('sqlite: the trigram table', () => {
  it('still finds every row after a VACUUM, which may renumber a table’s implicit rowids', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'facade-search-'));
    try {
      const onDisk = await openSqliteStore(dataDir);
      await onDisk.upsertIndexed('rooms', [room('!a:hs', { name: 'New name' }), room('!b:hs', { name: 'Other' }), room('!c:hs', { name: 'Third' })], 1);
      await onDisk.removeIndexed('rooms', '!b:hs');
      await onDisk.close();
      // The search table refers to rows by their own seq number, which VACUUM keeps.
      const db = new DatabaseSync(join(dataDir, SQLITE_FILE));
      db.exec('DELETE FROM index_rooms WHERE room_id = \'!a:hs\'');
      db.exec('VACUUM');
      db.close();
      const reopened = await openSqliteStore(dataDir);
      try {
        const keys = async (q: string) => (await reopened.queryIndex({ kind: 'rooms', filter: { q }, orderBy: 'room_id', descending: false, limit: 10 })).map((row) => row.key);
        expect(await keys('third')).toEqual(['!c:hs']);
        expect(await keys('new name')).toEqual([]);
        expect(await reopened.countIndex('rooms', { q: 'third' })).toBe(1);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
