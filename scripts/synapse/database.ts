// Direct SQL on the running Synapse's own database, SQLite file or PostgreSQL: for seeding rows no API writes, and for
// tests that must change what only the database holds. Statements use PostgreSQL's `$1` placeholders on both.
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { synapsePaths, synapseRun } from './paths.ts';
import { synapseDatabaseUrlOfRun } from './postgres.ts';

/** Where Synapse keeps its tables: its SQLite file, or its PostgreSQL database by URL (with the password). */
export type SynapseDatabaseTarget = { sqlite: string } | { postgresUrl: string };

/** The statements of one unit of work, run in one transaction; each answers its rows and its count of changed rows. */
export type SqlStatement = { sql: string; params?: SQLInputValue[] };
export interface SqlResult {
  rows: Record<string, unknown>[];
  changes: number;
}

/** The run's database: its SQLite file, or the PostgreSQL database recorded in its home. */
export async function runDatabase(): Promise<SynapseDatabaseTarget> {
  if (synapseRun.database === 'sqlite') return { sqlite: synapsePaths.database };
  const postgresUrl = await synapseDatabaseUrlOfRun();
  if (postgresUrl === undefined) throw new Error(`no PostgreSQL recorded in ${synapsePaths.postgresRoot}`);
  return { postgresUrl };
}

/** SQLite's `?` for each `$n` (the statements here bind their parameters in order). */
const toSqlite = (sql: string) => sql.replaceAll(/\$\d+/g, '?');

/**
 * Runs `statements` in one transaction while Synapse runs (SQLite in WAL mode takes a second writer; a busy
 * database is waited on for up to 10 s). Answers one result per statement.
 */
export async function runSql(target: SynapseDatabaseTarget, statements: SqlStatement[]): Promise<SqlResult[]> {
  if ('sqlite' in target) {
    const db = new DatabaseSync(target.sqlite, { timeout: 10_000 });
    try {
      db.exec('PRAGMA foreign_keys = ON');
      db.exec('BEGIN IMMEDIATE');
      const results = statements.map(({ sql, params = [] }) => {
        const statement = db.prepare(toSqlite(sql));
        if (/^\s*(SELECT|WITH)\b/i.test(sql)) return { rows: statement.all(...params) as Record<string, unknown>[], changes: 0 };
        return { rows: [], changes: Number(statement.run(...params).changes) };
      });
      db.exec('COMMIT');
      return results;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: target.postgresUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const results: SqlResult[] = [];
    for (const { sql, params = [] } of statements) {
      const answer = await client.query(sql, params);
      results.push({ rows: answer.rows as Record<string, unknown>[], changes: answer.command === 'SELECT' ? 0 : (answer.rowCount ?? 0) });
    }
    await client.query('COMMIT');
    return results;
  } finally {
    await client.end();
  }
}

/**
 * Waits (default up to 180 s) until Synapse has run every pending background update. A fresh database has dozens,
 * one batch each: while they run they write rows about rooms (sliding sync tables among them) and a room purged at
 * the same moment fails with SQLite's `FOREIGN KEY constraint failed` (seen in CI and on 1.144.0's first run).
 */
export async function waitForBackgroundUpdates({ timeoutMs = 180_000 } = {}): Promise<void> {
  const target = await runDatabase();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [result] = await runSql(target, [{ sql: 'SELECT COUNT(*) AS pending FROM background_updates' }]);
    const pending = Number(result?.rows[0]?.pending);
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`Synapse still has ${pending} background updates after ${timeoutMs} ms`);
    await sleep(500);
  }
}
