// The databases every store test runs on, for describe.each: the embedded SQLite (a temporary directory per test)
// and PostgreSQL (a database of the test file's own, emptied before each test; its tests skip when the run has none).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres.ts';
import type { SqlStore } from '../../src/store/sql-store.ts';
import type { AuditEntryInput } from '../../src/store/store.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { emptyDatabase, freshDatabase, postgresUrl } from './postgres.ts';

/** Where one test's store lives. */
export interface StorePlace {
  /** Opens (creating and migrating) the store there; again to reopen it. */
  open(): Promise<SqlStore>;
  /** Lets go of the place: SQLite's directory is removed; PostgreSQL's database is emptied by the next test. */
  drop(): Promise<void>;
}

/** One database the store runs on. */
export interface StoreKind {
  name: 'sqlite' | 'postgres';
  /** False when this run has no such database: its tests skip. */
  available: boolean;
  /** An empty place for one test's store. */
  place(): Promise<StorePlace>;
  /** Removes what the places of this test file left behind, after its last test. */
  cleanUp(): Promise<void>;
}

/** This test file's PostgreSQL database: creating one costs 150–450 ms, emptying it some 20. */
let fileDatabase: ReturnType<typeof freshDatabase> | undefined;

export const storeKinds: readonly StoreKind[] = [
  {
    name: 'sqlite',
    available: true,
    place: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'facade-store-'));
      return { open: () => openSqliteStore(dataDir), drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
    },
    cleanUp: async () => undefined,
  },
  {
    name: 'postgres',
    available: postgresUrl() !== undefined,
    place: async () => {
      fileDatabase ??= freshDatabase();
      const { url } = await fileDatabase;
      await emptyDatabase(url);
      return { open: () => openPostgresStore(url), drop: async () => undefined };
    },
    cleanUp: async () => {
      const database = fileDatabase;
      fileDatabase = undefined;
      await (await database)?.drop();
    },
  },
];

/** An owned-route audit row at `at` (ms), as the facade writes one. */
export const auditRow = (at: number, overrides: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
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

/** The store of the running test, from storePerTest. */
export interface TestStore {
  readonly store: SqlStore;
  /** Closes the store and opens it again on the same data. */
  reopen(): Promise<SqlStore>;
}

/**
 * Gives each test of the enclosing describe a store of `kind` in a place of its own, closed and removed after the
 * test; skips the tests when `kind` is not available in this run.
 */
export function storePerTest(kind: StoreKind): TestStore {
  let place: StorePlace | undefined;
  let store: SqlStore | undefined;
  beforeEach(async (context) => {
    if (!kind.available) return context.skip(`no ${kind.name} in this run`);
    place = await kind.place();
    store = await place.open();
  });
  afterEach(async () => {
    await store?.close();
    await place?.drop();
    place = store = undefined;
  });
  afterAll(() => kind.cleanUp());
  return {
    get store() {
      return store!;
    },
    async reopen() {
      await store!.close();
      store = await place!.open();
      return store;
    },
  };
}
