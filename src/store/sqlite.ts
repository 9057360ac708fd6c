// The embedded store: SQLite through Node's built-in node:sqlite, one file in DATA_DIR.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqlExecutor, SqlValue } from './internal/executor.ts';
import { DIALECT_WORDS, migrate } from './migrations.ts';
import { SqlStore } from './sql-store.ts';

/** The database file's name inside DATA_DIR. */
export const SQLITE_FILE = 'facade.sqlite';

/**
 * node:sqlite is synchronous, so a statement never interleaves with another; only a transaction, whose
 * callback awaits between statements, must keep every other caller out until it ends.
 */
class SqliteExecutor implements SqlExecutor {
  readonly #db: DatabaseSync;
  readonly #statements = new Map<string, StatementSync>();
  #lock: Promise<void> = Promise.resolve();
  #locked = false;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  // Each caller waits with `while (this.#locked) await this.#lock;` and then acts in the same synchronous step:
  // behind a helper's `await`, a transaction started meanwhile would find the check already passed.

  async run(sql: string, params: readonly SqlValue[] = []) {
    while (this.#locked) await this.#lock;
    return this.#runNow(sql, params);
  }

  #runNow(sql: string, params: readonly SqlValue[]) {
    return { changes: Number(this.#prepare(sql).run(...params).changes) };
  }

  async get<Row>(sql: string, params: readonly SqlValue[] = []) {
    while (this.#locked) await this.#lock;
    return this.#prepare(sql).get(...params) as Row | undefined;
  }

  async all<Row>(sql: string, params: readonly SqlValue[] = []) {
    while (this.#locked) await this.#lock;
    return this.#prepare(sql).all(...params) as Row[];
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    while (this.#locked) await this.#lock;
    let release!: () => void;
    this.#lock = new Promise((resolve) => (release = resolve));
    this.#locked = true;
    // Statements of this transaction run at once; everyone else waits for the lock.
    const tx: SqlExecutor = {
      run: async (sql, params = []) => this.#runNow(sql, params),
      get: async <Row>(sql: string, params: readonly SqlValue[] = []) => this.#prepare(sql).get(...params) as Row | undefined,
      all: async <Row>(sql: string, params: readonly SqlValue[] = []) => this.#prepare(sql).all(...params) as Row[],
      transaction: (nested) => nested(tx),
      close: async () => {},
    };
    try {
      this.#db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(tx);
        this.#db.exec('COMMIT');
        return result;
      } catch (error) {
        this.#db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      this.#locked = false;
      release();
    }
  }

  async close() {
    while (this.#locked) await this.#lock;
    this.#statements.clear();
    if (this.#db.isOpen) this.#db.close();
  }
}

/** Options of openSqliteStore. */
export interface SqliteOptions {
  /** Apply migrations up to this version only (tests of upgrades). Default: all. */
  schemaVersion?: number;
}

/**
 * Opens (creating when missing) the store in `dataDir`, or in memory for `:memory:`, and migrates it.
 * WAL with synchronous=NORMAL: a committed row survives the process being killed (SIGKILL); only an
 * operating-system crash may lose the last commits.
 */
export async function openSqliteStore(dataDir: string, { schemaVersion }: SqliteOptions = {}): Promise<SqlStore> {
  let location = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    location = join(dataDir, SQLITE_FILE);
  }
  const db = new DatabaseSync(location, { timeout: 5_000 });
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    const sql = new SqliteExecutor(db);
    await migrate(sql, DIALECT_WORDS.sqlite, schemaVersion);
    return new SqlStore('sqlite', sql, DIALECT_WORDS.sqlite.search);
  } catch (error) {
    db.close();
    throw error;
  }
}
