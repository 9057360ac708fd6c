// The shared store: PostgreSQL through node-postgres (DATABASE_URL), for one or several facade replicas. The same
// queries and migrations as the embedded SQLite; only placeholders, 64-bit numbers and lost connections differ.
import pg from 'pg';
import type { SqlExecutor, SqlValue } from './internal/executor.ts';
import { DIALECT_WORDS, migrate } from './migrations.ts';
import { SqlStore } from './sql-store.ts';
import { StoreUnavailableError } from './store.ts';

/** Connections one facade keeps open at most. */
const POOL_SIZE = 10;

/** How long taking a connection may wait (connecting included) before the operation fails, milliseconds. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Longest one statement may wait for PostgreSQL's answer, milliseconds (DATABASE_QUERY_TIMEOUT_MS). Every statement
 * of the store is indexed, batched or paged, so only a database that stopped answering (a host that hangs, a path
 * that drops every packet) reaches it: without it, an admin's mutation, which Synapse had already applied, waited
 * for its audit row for ever, and so did a stop.
 */
export const QUERY_TIMEOUT_MS = 10_000;

/** What `pg_stat_activity` shows for the facade's connections. */
const APPLICATION_NAME = 'synapse-admin-facade';

/** Names the session advisory lock held while migrating, so replicas starting together migrate one at a time. */
const MIGRATION_LOCK = 'synapse-admin-facade:migrations';

/** int8: BIGINT columns, COUNT(*) and SUM of integers. */
const INT8_OID = 20;

/** Codes of a connection that failed or went away (Node's socket errors, SQLSTATE 08xxx and 57P01–57P03). */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', '57P01', '57P02', '57P03']);

/** The messages pg gives a lost or timed-out connection, or a statement past the query timeout, without a code. */
const CONNECTION_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Query read timeout)/;

/** An int8 as a JS number; a value beyond 2^53 fails the query rather than come back rounded. */
function safeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`the 64-bit value ${text} is beyond JavaScript's safe integers`);
  return value;
}

const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => (oid === INT8_OID ? safeInteger : pg.types.getTypeParser(oid, format))) as pg.CustomTypesConfig['getTypeParser'],
};

/** The store's `?` placeholders as PostgreSQL's `$1, $2, …` (no SQL string literal of the store holds a `?`). */
const numbered = (sql: string): string => {
  let position = 0;
  return sql.replace(/\?/g, () => `$${(position += 1)}`);
};

/** A database error without anything of DATABASE_URL in it; `code` is PostgreSQL's SQLSTATE or Node's errno code. */
export class PostgresError extends Error {
  override name = 'PostgresError';
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

/**
 * Turns whatever pg throws into an error safe to log: a PostgresError whose message has the URL, its password and
 * anything shaped like a postgres:// URL blanked (pg's messages may name the host and user, never the password), and
 * no cause or property of the original (Node's URL errors carry the text they failed to parse). A lost connection
 * becomes StoreUnavailableError, as a store that never opened.
 */
export function redactorOf(url: string): (error: unknown) => Error {
  const secrets = [url];
  try {
    const { password } = new URL(url);
    if (password) secrets.push(password, decodeURIComponent(password));
  } catch {
    // An unparsable URL: only the whole text is known to be secret.
  }
  return (error) => {
    if (error instanceof PostgresError || error instanceof StoreUnavailableError) return error;
    const { message, code } = error as { message?: unknown; code?: unknown };
    let text = String(message ?? error).replace(/postgres(?:ql)?:\/\/\S*/gi, '[redacted URL]');
    for (const secret of secrets) text = text.replaceAll(secret, '[redacted]');
    const clean = new PostgresError(text, typeof code === 'string' ? code : undefined);
    const lost = (clean.code !== undefined && (CONNECTION_CODES.has(clean.code) || clean.code.startsWith('08'))) || CONNECTION_MESSAGES.test(text);
    return lost ? new StoreUnavailableError(clean) : clean;
  };
}

/**
 * A SqlExecutor over a pg.Pool: each statement on any free connection; a transaction on one connection taken for
 * it, where nested transactions run inside the outer one (as on SQLite). Errors come out redacted.
 */
export class PostgresExecutor implements SqlExecutor {
  readonly #pool: pg.Pool;
  readonly #redact: (error: unknown) => Error;
  /** The connection of the transaction this executor is bound to. */
  readonly #client: pg.PoolClient | undefined;
  #closed = false;

  constructor(pool: pg.Pool, redact: (error: unknown) => Error, client?: pg.PoolClient) {
    this.#pool = pool;
    this.#redact = redact;
    this.#client = client;
  }

  async #query(sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult> {
    try {
      return await (this.#client ?? this.#pool).query(numbered(sql), [...params]);
    } catch (error) {
      throw this.#redact(error);
    }
  }

  async run(sql: string, params: readonly SqlValue[] = []) {
    return { changes: (await this.#query(sql, params)).rowCount ?? 0 };
  }

  async get<Row>(sql: string, params: readonly SqlValue[] = []) {
    return (await this.#query(sql, params)).rows[0] as Row | undefined;
  }

  async all<Row>(sql: string, params: readonly SqlValue[] = []) {
    return (await this.#query(sql, params)).rows as Row[];
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    if (this.#client) return work(this);
    const client = await this.#pool.connect().catch((error: unknown) => Promise.reject(this.#redact(error)));
    // pg-pool listens for a checked-out connection's errors no more: a connection lost meanwhile must not crash us.
    let lost: Error | undefined;
    const onLost = (error: Error) => (lost = error);
    client.on('error', onLost);
    const tx = new PostgresExecutor(this.#pool, this.#redact, client);
    try {
      await tx.run('BEGIN');
      try {
        const result = await work(tx);
        await tx.run('COMMIT');
        return result;
      } catch (error) {
        await tx.run('ROLLBACK').catch((rollbackFailed: Error) => (lost ??= rollbackFailed));
        throw error;
      }
    } finally {
      client.off('error', onLost);
      // A connection that failed is thrown away rather than handed to the next caller.
      client.release(lost);
    }
  }

  async close() {
    if (this.#client || this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}

/** Migrates while holding the migration lock on a connection of its own, then drops that connection (and the lock). */
async function migrateAlone(pool: pg.Pool, sql: PostgresExecutor, schemaVersion: number | undefined, redact: (error: unknown) => Error): Promise<void> {
  const client = await pool.connect().catch((error: unknown) => Promise.reject(redact(error)));
  client.on('error', () => undefined);
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]).catch((error: unknown) => Promise.reject(redact(error)));
    await migrate(sql, DIALECT_WORDS.postgres, schemaVersion);
  } finally {
    client.release(true);
  }
}

/** Options of openPostgresStore. */
export interface PostgresOptions {
  /** Apply migrations up to this version only (tests of upgrades). Default: all. */
  schemaVersion?: number;
  /** Called with each error of an idle connection (the server restarted or went away), redacted. Default: none. */
  onError?: (error: Error) => void;
  /** Longest a statement may wait for its answer, milliseconds; past it, it fails as unavailable. Default {@link QUERY_TIMEOUT_MS}. */
  queryTimeoutMs?: number;
}

/**
 * Connects to `url` (DATABASE_URL, which may hold a password: it never reaches an error or a log) and migrates the
 * database, one replica at a time. The store does not cache what another replica may change (filtered totals).
 */
export async function openPostgresStore(url: string, { schemaVersion, onError = () => undefined, queryTimeoutMs = QUERY_TIMEOUT_MS }: PostgresOptions = {}): Promise<SqlStore> {
  const redact = redactorOf(url);
  const poolOf = (options: pg.PoolConfig) => {
    const pool = new pg.Pool({ connectionString: url, application_name: APPLICATION_NAME, types: typeParsers, ...options });
    pool.on('error', (error) => onError(redact(error)));
    return pool;
  };
  // Migrations run on connections of their own, without the statement timeout: building an index of a large table
  // may take longer than any statement the store runs afterwards, and a migration cut by it failed every start.
  const setupPool = poolOf({ max: 2, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  const setup = new PostgresExecutor(setupPool, redact);
  try {
    await migrateAlone(setupPool, setup, schemaVersion, redact);
  } catch (error) {
    throw redact(error);
  } finally {
    await setup.close().catch(() => undefined);
  }
  const pool = poolOf({
    max: POOL_SIZE,
    // A statement that has to wait for a new connection waits no longer for it than for its answer.
    connectionTimeoutMillis: Math.min(CONNECT_TIMEOUT_MS, queryTimeoutMs),
    // pg fails the statement and the pool throws its connection away (pool.query releases it with the error; a
    // transaction's is released as lost), so a late answer can never reach the next statement.
    query_timeout: queryTimeoutMs,
  });
  return new SqlStore('postgres', new PostgresExecutor(pool, redact), DIALECT_WORDS.postgres.search, { cacheCounts: false });
}
