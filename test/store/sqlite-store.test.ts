// What only the embedded store has: migrations of a real SQLite file (from empty, from a previous version, its trigram
// table), and a data directory that cannot be opened. Every operation's rules run on both databases in store.test.ts.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { openStore } from '../../src/store/open-store.ts';
import { openSqliteStore, SQLITE_FILE } from '../../src/store/sqlite.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import { auditRow } from '../support/stores.ts';

let dataDir: string;
let store: SqlStore | undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'facade-store-'));
});
afterEach(async () => {
  await store?.close();
  store = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

const versions = (file: string) => new DatabaseSync(file).prepare('SELECT version FROM schema_migrations ORDER BY version').all().map((row) => Number(row.version));

describe('migrations', () => {
  it('creates every table from an empty directory, one version row per migration', async () => {
    store = await openSqliteStore(join(dataDir, 'nested'));
    expect(versions(join(dataDir, 'nested', SQLITE_FILE))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(SCHEMA_VERSION).toBe(6);
    await store.appendAudit(auditRow(1));
    expect(await store.listAudit({ limit: 10 })).toHaveLength(1);
  });

  it('upgrades a store of the previous version and keeps its rows', async () => {
    const old = await openSqliteStore(dataDir, { schemaVersion: 2 });
    await old.appendAudit(auditRow(5));
    await old.recordDeleteStart({ deleteId: 'abc', api: 'v2', roomId: '!a:hs', admin: '@admin:hs', requestedAt: 5, flags: { purge: true } });
    await expect(old.createJob({ id: 'j', action: 'block', options: {}, admin: '@a:hs', concurrency: 1, paceMs: 0, createdAt: 1, listHash: 'h', rooms: ['!a:hs'] })).rejects.toThrow(/no such table: jobs/);
    await old.close();
    expect(versions(join(dataDir, SQLITE_FILE))).toEqual([1, 2]);
    // (the next open upgrades it to the newest version)

    store = await openSqliteStore(dataDir);
    expect(versions(join(dataDir, SQLITE_FILE))).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await store.listAudit({ limit: 10 })).map((row) => row.requestId)).toEqual(['req-5']);
    expect((await store.getDelete('abc'))?.flags).toEqual({ purge: true });
    await store.createJob({ id: 'j', action: 'block', options: {}, admin: '@a:hs', concurrency: 1, paceMs: 0, createdAt: 1, listHash: 'h', rooms: ['!a:hs'] });
    expect((await store.getJob('j'))?.counts).toEqual({ pending: 1 });
  });

  it('upgrades a version-4 index: rows and first_seen kept, now found through the trigram table', async () => {
    const old = await openSqliteStore(dataDir, { schemaVersion: 4 });
    const item = (roomId: string, name: string) => ({ key: roomId, item: { room_id: roomId, name, joined_members: 2 } });
    await old.upsertIndexed('rooms', [item('!a:hs', 'Zürich Meetup'), item('!b:hs', 'Other')], 5);
    await old.close();

    store = await openSqliteStore(dataDir);
    expect(versions(join(dataDir, SQLITE_FILE))).toEqual([1, 2, 3, 4, 5, 6]);
    const found = await store.queryIndex({ kind: 'rooms', filter: { q: 'ZÜRICH' }, orderBy: 'name', descending: false, limit: 10 });
    expect(found).toMatchObject([{ key: '!a:hs', firstSeen: 5, item: { name: 'Zürich Meetup' } }]);
    const search = new DatabaseSync(join(dataDir, SQLITE_FILE)).prepare("SELECT rowid FROM index_rooms_search WHERE index_rooms_search MATCH '\"zürich\"'").all();
    expect(search).toHaveLength(1);
    await store.upsertIndexed('rooms', [item('!c:hs', 'Zürich again')], 6);
    expect(await store.countIndex('rooms', { q: 'zürich' })).toBe(2);
  });

  it('refuses a store written by a newer facade instead of writing to it', async () => {
    (await openSqliteStore(dataDir)).close();
    const db = new DatabaseSync(join(dataDir, SQLITE_FILE));
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, ?, 0)').run('future');
    db.close();
    await expect(openSqliteStore(dataDir)).rejects.toThrow(/version 99, newer than this facade knows/);
  });

  it('reopening changes nothing', async () => {
    (await openSqliteStore(dataDir)).close();
    store = await openSqliteStore(dataDir);
    expect(versions(join(dataDir, SQLITE_FILE))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('a store that cannot be opened', () => {
  it('rejects every operation as unavailable, reports it, and opens once the directory is usable', async () => {
    const blocked = join(dataDir, 'not-a-dir');
    writeFileSync(blocked, 'a file where the data directory should be');
    const errors: string[] = [];
    const managed = openStore({ dataDir: blocked, retryMs: 20, onError: (operation) => errors.push(operation) });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(managed.available).toBe(false);
    await expect(managed.appendAudit(auditRow(1))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(errors).toContain('open');
    expect(errors).toContain('appendAudit');
    rmSync(blocked);
    mkdirSync(blocked);
    await managed.opened;
    expect(managed.available).toBe(true);
    await managed.appendAudit(auditRow(2));
    expect(await managed.listAudit({ limit: 5 })).toHaveLength(1);
    await managed.close();
    await expect(managed.listAudit({ limit: 5 })).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('transactions', () => {
  it('started in the same tick run one after the other, and a plain statement never lands inside another caller’s transaction', async () => {
    store = await openSqliteStore(dataDir);
    const room = (id: string) => ({ key: id, item: { room_id: id, name: id } });
    const job = (id: string) => ({ id, action: 'block' as const, options: {}, admin: '@a:hs', concurrency: 1, paceMs: 0, createdAt: 1, listHash: 'h', rooms: ['!a:hs', '!b:hs'] });
    await Promise.all([
      store.upsertIndexed('rooms', [room('!1:hs'), room('!2:hs')], 1),
      store.createJob(job('j1')),
      store.appendAudit(auditRow(1)),
      store.createJob(job('j2')),
      store.upsertIndexed('rooms', [room('!3:hs')], 1),
      store.appendAudit(auditRow(2)),
    ]);
    expect(await store.countIndex('rooms', {})).toBe(3);
    expect((await store.getJob('j1'))?.counts).toEqual({ pending: 2 });
    expect((await store.getJob('j2'))?.counts).toEqual({ pending: 2 });
    expect(await store.listAudit({ limit: 10 })).toHaveLength(2);
  });
});
