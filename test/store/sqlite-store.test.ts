// The embedded store on a real SQLite file: migrations (from empty, from the previous version), every
// operation's rules, and a store that cannot be opened.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/store/migrations.ts';
import { openStore } from '../../src/store/open-store.ts';
import { openSqliteStore, SQLITE_FILE } from '../../src/store/sqlite.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import { StoreUnavailableError, type AuditEntryInput } from '../../src/store/store.ts';

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

const auditRow = (at: number, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  at,
  kind: 'owned',
  action: 'room.block',
  method: 'PUT',
  path: '/_synapse/admin/v1/rooms/!a:hs/block',
  roomId: '!a:hs',
  admin: '@admin:hs',
  status: 200,
  durationMs: 3,
  requestId: `req-${at}`,
  details: { body: { block: true } },
  ...overrides,
});

const versions = (file: string) => new DatabaseSync(file).prepare('SELECT version FROM schema_migrations ORDER BY version').all().map((row) => Number(row.version));

describe('migrations', () => {
  it('creates every table from an empty directory, one version row per migration', async () => {
    store = await openSqliteStore(join(dataDir, 'nested'));
    expect(versions(join(dataDir, 'nested', SQLITE_FILE))).toEqual([1, 2, 3, 4, 5]);
    expect(SCHEMA_VERSION).toBe(5);
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
    expect(versions(join(dataDir, SQLITE_FILE))).toEqual([1, 2, 3, 4, 5]);
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
    expect(versions(join(dataDir, SQLITE_FILE))).toEqual([1, 2, 3, 4, 5]);
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
    expect(versions(join(dataDir, SQLITE_FILE))).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('audit rows', () => {
  beforeEach(async () => {
    store = await openSqliteStore(dataDir);
  });

  it('lists newest first and pages by (at, id) without repeating or skipping rows of the same millisecond', async () => {
    for (const at of [1, 2, 2, 2, 3]) await store!.appendAudit(auditRow(at));
    const first = await store!.listAudit({ limit: 2 });
    expect(first.map((row) => row.at)).toEqual([3, 2]);
    const last = first.at(-1)!;
    const second = await store!.listAudit({ limit: 10, before: { at: last.at, id: last.id } });
    expect(second.map((row) => row.at)).toEqual([2, 2, 1]);
    expect(new Set([...first, ...second].map((row) => row.id)).size).toBe(5);
  });

  it('filters by room, admin, action and an inclusive time range', async () => {
    await store!.appendAudit(auditRow(10));
    await store!.appendAudit(auditRow(20, { roomId: '!b:hs', admin: '@other:hs', action: 'room.unblock' }));
    await store!.appendAudit(auditRow(30, { roomId: '!b:hs' }));
    expect((await store!.listAudit({ limit: 10, roomId: '!b:hs' })).map((row) => row.at)).toEqual([30, 20]);
    expect((await store!.listAudit({ limit: 10, admin: '@other:hs' })).map((row) => row.at)).toEqual([20]);
    expect((await store!.listAudit({ limit: 10, action: 'room.block' })).map((row) => row.at)).toEqual([30, 10]);
    expect((await store!.listAudit({ limit: 10, since: 20, until: 30 })).map((row) => row.at)).toEqual([30, 20]);
  });

  it('keeps details as JSON and prunes only rows older than the bound, in batches', async () => {
    for (let at = 1; at <= 5; at += 1) await store!.appendAudit(auditRow(at, { details: { n: at, nested: { ok: true } } }));
    expect(await store!.pruneAudit(4, 2)).toBe(2);
    expect(await store!.pruneAudit(4, 2)).toBe(1);
    expect(await store!.pruneAudit(4, 2)).toBe(0);
    const left = await store!.listAudit({ limit: 10 });
    expect(left.map((row) => row.details)).toEqual([{ n: 5, nested: { ok: true } }, { n: 4, nested: { ok: true } }]);
  });
});

describe('room deletes', () => {
  beforeEach(async () => {
    store = await openSqliteStore(dataDir);
  });

  it('records each new status once, in order, and never replaces a final one', async () => {
    await store!.recordDeleteStart({ deleteId: 'd1', api: 'v2', roomId: '!a:hs', admin: '@admin:hs', requestedAt: 100, flags: { block: true } });
    expect(await store!.recordDeleteProgress('d1', { status: 'active', at: 110, final: false })).toBe(true);
    expect(await store!.recordDeleteProgress('d1', { status: 'active', at: 120, final: false })).toBe(false);
    const result = { kicked_users: ['@u:hs'], failed_to_kick_users: [], local_aliases: [], new_room_id: null };
    expect(await store!.recordDeleteProgress('d1', { status: 'complete', at: 130, final: true, shutdownRoom: result })).toBe(true);
    expect(await store!.recordDeleteProgress('d1', { status: 'failed', at: 140, final: true, error: 'late' })).toBe(false);
    expect(await store!.recordDeleteProgress('unknown', { status: 'active', at: 1, final: false })).toBe(false);
    const record = await store!.getDelete('d1');
    expect(record).toMatchObject({ status: 'complete', finishedAt: 130, shutdownRoom: result, error: null, flags: { block: true } });
    expect(record?.history).toEqual([
      { status: 'scheduled', at: 100 },
      { status: 'active', at: 110 },
      { status: 'complete', at: 130 },
    ]);
  });

  it('lists a room’s deletes oldest first and the unfinished v2 ones', async () => {
    await store!.recordDeleteStart({ deleteId: 'late', api: 'v2', roomId: '!a:hs', admin: null, requestedAt: 20, flags: {} });
    await store!.recordDeleteStart({ deleteId: 'early', api: 'v1', roomId: '!a:hs', admin: null, requestedAt: 10, flags: {} });
    await store!.recordDeleteStart({ deleteId: 'other', api: 'v2', roomId: '!b:hs', admin: null, requestedAt: 30, flags: {}, jobId: 'job-1' });
    await store!.recordDeleteProgress('other', { status: 'failed', at: 40, final: true, error: 'x' });
    expect((await store!.deletesOfRoom('!a:hs')).map((record) => record.deleteId)).toEqual(['early', 'late']);
    expect((await store!.unfinishedDeletes('v2')).map((record) => record.deleteId)).toEqual(['late']);
    expect((await store!.getDelete('other'))?.jobId).toBe('job-1');
  });
});

describe('jobs', () => {
  beforeEach(async () => {
    store = await openSqliteStore(dataDir);
  });

  it('creates a job with hundreds of children in list order, counts them by state and updates them', async () => {
    const rooms = Array.from({ length: 450 }, (_, index) => `!r${index}:hs`);
    await store!.createJob({ id: 'j1', action: 'delete', options: { purge: true }, admin: '@a:hs', concurrency: 2, paceMs: 10, createdAt: 5, listHash: 'hash', rooms });
    expect((await store!.jobChildren('j1')).map((child) => child.roomId)).toEqual(rooms);
    await store!.updateJobChild('j1', 0, { state: 'sending', sentAt: 6, updatedAt: 6 });
    await store!.updateJobChild('j1', 0, { state: 'following', deleteId: 'd', updatedAt: 7 });
    await store!.updateJobChild('j1', 1, { state: 'failed', error: 'no', result: { errcode: 'M_UNKNOWN' }, updatedAt: 7 });
    const job = await store!.getJob('j1');
    expect(job).toMatchObject({ state: 'running', roomCount: 450, options: { purge: true }, counts: { pending: 448, following: 1, failed: 1 } });
    const [first, second] = await store!.jobChildren('j1', { limit: 2 });
    expect(first).toMatchObject({ state: 'following', sentAt: 6, deleteId: 'd', updatedAt: 7 });
    expect(second).toMatchObject({ state: 'failed', error: 'no', result: { errcode: 'M_UNKNOWN' } });
    expect((await store!.jobChildren('j1', { states: ['pending'], afterPosition: 440 })).map((child) => child.position)).toEqual([441, 442, 443, 444, 445, 446, 447, 448, 449]);
  });

  it('lists jobs newest first by keyset and keeps only unfinished ones for resuming', async () => {
    for (const [id, createdAt] of [['a', 1], ['b', 2], ['c', 2]] as const) {
      await store!.createJob({ id, action: 'block', options: {}, admin: '@a:hs', concurrency: 1, paceMs: 0, createdAt, listHash: 'h', rooms: ['!x:hs'] });
    }
    await store!.updateJob('b', { state: 'finished', finishedAt: 9, updatedAt: 9 });
    const page = await store!.listJobs({ limit: 2 });
    expect(page.map((job) => job.id)).toEqual(['c', 'b']);
    expect((await store!.listJobs({ limit: 2, before: { createdAt: 2, id: 'b' } })).map((job) => job.id)).toEqual(['a']);
    expect((await store!.unfinishedJobs()).map((job) => job.id)).toEqual(['a', 'c']);
    expect((await store!.getJob('b'))?.finishedAt).toBe(9);
  });

  it('keeps a secret across reopening', async () => {
    const secret = await store!.secret('job-confirm');
    expect(secret).toHaveLength(32);
    await store!.close();
    store = await openSqliteStore(dataDir);
    expect((await store.secret('job-confirm')).equals(secret)).toBe(true);
    expect((await store.secret('other')).equals(secret)).toBe(false);
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
