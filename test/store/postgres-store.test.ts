// What only the PostgreSQL store has: its migrations on a fresh database (from empty, from an older version, two
// replicas starting together), and 64-bit numbers, which node-postgres would hand back as strings.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import { postgresUrl, useFreshDatabase } from '../support/postgres.ts';
import { auditRow } from '../support/stores.ts';

const opened: SqlStore[] = [];
const database = useFreshDatabase(async () => {
  for (const store of opened.splice(0)) await store.close();
});

/** Opens a store on this test's database, closed after the test. */
async function open(options: { schemaVersion?: number; queryTimeoutMs?: number } = {}): Promise<SqlStore> {
  const store = await openPostgresStore(database.url, options);
  opened.push(store);
  return store;
}

/** The rows of `sql` on this test's database, read with a client of its own. */
async function rowsOf(sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const versions = async () => (await rowsOf('SELECT version FROM schema_migrations ORDER BY version')).map((row) => Number(row.version));
const allVersions = MIGRATIONS.map((migration) => migration.version);

describe.skipIf(!postgresUrl())('postgres: migrations', () => {
  it('creates every table on an empty database, one version row per migration, and a trigram index per index table', async () => {
    const store = await open();
    expect(await versions()).toEqual(allVersions);
    const indexes = await rowsOf("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%' ORDER BY indexname");
    expect(indexes.map((row) => row.indexname)).toEqual(['index_destinations_search', 'index_rooms_search']);
    await store.appendAudit(auditRow(1));
    expect(await store.listAudit({ limit: 10 })).toHaveLength(1);
  });

  it('upgrades a database of an older version and keeps its rows', async () => {
    const old = await open({ schemaVersion: 2 });
    await old.appendAudit(auditRow(5));
    await old.recordDeleteStart({ deleteId: 'abc', api: 'v2', roomId: '!a:hs', admin: '@admin:hs', requestedAt: 5, flags: { purge: true } });
    await expect(old.createJob({ id: 'j', action: 'block', options: {}, admin: '@a:hs', concurrency: 1, paceMs: 0, createdAt: 1, listHash: 'h', rooms: ['!a:hs'] })).rejects.toThrow(/relation "jobs" does not exist/);
    expect(await versions()).toEqual([1, 2]);

    const store = await open();
    expect(await versions()).toEqual(allVersions);
    expect((await store.listAudit({ limit: 10 })).map((row) => row.requestId)).toEqual(['req-5']);
    expect((await store.getDelete('abc'))?.flags).toEqual({ purge: true });
    await store.createJob({ id: 'j', action: 'block', options: {}, admin: '@a:hs', concurrency: 1, paceMs: 0, createdAt: 1, listHash: 'h', rooms: ['!a:hs'] });
    expect((await store.getJob('j'))?.counts).toEqual({ pending: 1 });
  });

  it('upgrades a version-4 index: rows and first_seen kept, searchable through the trigram index', async () => {
    const old = await open({ schemaVersion: 4 });
    const item = (roomId: string, name: string) => ({ key: roomId, item: { room_id: roomId, name, joined_members: 2 } });
    await old.upsertIndexed('rooms', [item('!a:hs', 'Zürich Meetup'), item('!b:hs', 'Other')], 5);

    const store = await open();
    const found = await store.queryIndex({ kind: 'rooms', filter: { q: 'ZÜRICH' }, orderBy: 'name', descending: false, limit: 10 });
    expect(found).toMatchObject([{ key: '!a:hs', firstSeen: 5, item: { name: 'Zürich Meetup' } }]);
    await store.upsertIndexed('rooms', [item('!c:hs', 'Zürich again')], 6);
    expect(await store.countIndex('rooms', { q: 'zürich' })).toBe(2);
  });

  it('migrates whatever the statement timeout (DATABASE_QUERY_TIMEOUT_MS): a migration may take longer than any statement the store runs afterwards, and one cut by it failed every start', async () => {
    await open({ queryTimeoutMs: 1 });
    expect(await versions()).toEqual(allVersions);
  });

  it('refuses a database written by a newer facade instead of writing to it', async () => {
    await open();
    await rowsOf("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 0)");
    await expect(openPostgresStore(database.url)).rejects.toThrow(/version 99, newer than this facade knows/);
  });

  it('two replicas opening an empty database together both succeed, and it is migrated once', async () => {
    const [first, second] = await Promise.all([open(), open()]);
    expect(await versions()).toEqual(allVersions);
    await first.appendAudit(auditRow(1));
    expect(await second.listAudit({ limit: 10 })).toHaveLength(1);
  });
});

describe.skipIf(!postgresUrl())('postgres: 64-bit numbers', () => {
  it('come back as numbers, beyond 2^31 too', async () => {
    const store = await open();
    const at = 2 ** 40 + 7;
    await store.appendAudit(auditRow(at, { durationMs: 2 ** 33 }));
    const [entry] = await store.listAudit({ limit: 1 });
    expect(entry).toMatchObject({ at, durationMs: 2 ** 33 });
    expect(typeof entry!.id).toBe('string');
    const createdAt = Date.now();
    await store.createJob({ id: 'j', action: 'block', options: {}, admin: '@a:hs', concurrency: 1, paceMs: 0, createdAt, listHash: 'h', rooms: ['!a:hs'] });
    expect((await store.getJob('j'))?.createdAt).toBe(createdAt);
    const destination = { destination: 'far.example', retry_last_ts: 2 ** 41, retry_interval: 2 ** 35, failure_ts: 2 ** 41, last_successful_stream_ordering: 2 ** 50 };
    await store.upsertIndexed('destinations', [{ key: 'far.example', item: destination }], at);
    const [row] = await store.queryIndex({ kind: 'destinations', filter: { ranges: { failure_ts: { min: 2 ** 40 } } }, orderBy: 'failure_ts', descending: false, limit: 5 });
    expect(row).toMatchObject({ key: 'far.example', firstSeen: at, lastSeen: at });
    expect((await store.indexSummary()).destinations).toEqual({ total: 1, failing: 1, oldestFailureTs: 2 ** 41 });
    expect(await store.countIndex('destinations', {})).toBe(1);
  });

  it('beyond 2^53, fail the query rather than come back rounded', async () => {
    const store = await open();
    await rowsOf(`INSERT INTO audit (at, kind, action, details) VALUES (${2n ** 62n}, 'owned', 'x', '{}')`);
    await expect(store.listAudit({ limit: 1 })).rejects.toThrow(/4611686018427387904 is beyond JavaScript's safe integers/);
  });
});

describe.skipIf(!postgresUrl())('postgres: text order', () => {
  it("sorts room names by their bytes, as SQLite does, on a database whose own collation would not (ICU en-US)", async () => {
    const name = `facade_icu_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: postgresUrl() });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'`);
      const url = new URL(postgresUrl()!);
      url.pathname = `/${name}`;
      // The database's own order puts "b" before "C"; bytes put "C" first.
      const own = new pg.Client({ connectionString: url.toString() });
      await own.connect();
      const { rows } = await own.query("SELECT x FROM (VALUES ('b'), ('C')) AS t(x) ORDER BY x COLLATE \"default\"");
      await own.end();
      expect(rows.map((row) => row.x)).toEqual(['b', 'C']);
      const store = await openPostgresStore(url.toString());
      try {
        const room = (id: string, roomName: string) => ({ key: id, item: { room_id: id, name: roomName } });
        await store.upsertIndexed('rooms', [room('!1:hs', 'b'), room('!2:hs', 'C'), room('!3:hs', 'a')], 1);
        const page = await store.queryIndex({ kind: 'rooms', filter: {}, orderBy: 'name', descending: false, limit: 10 });
        expect(page.map((row) => row.item.name)).toEqual(['C', 'a', 'b']);
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
