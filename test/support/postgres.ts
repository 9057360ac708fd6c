// The test run's PostgreSQL (started by postgres-global-setup.ts): its URL, and a database of its own per caller so
// test files running in parallel never share tables.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The facade role's URL (it may create databases); absent when PostgreSQL could not start outside CI. */
    postgresUrl?: string;
  }
}

/** The run's PostgreSQL URL, or undefined when the PostgreSQL tests must skip. */
export const postgresUrl = (): string | undefined => inject('postgresUrl');

/** Runs one statement as the facade role on the run's server, or on `url` (CREATE and DROP DATABASE take no transaction). */
async function onServer(statement: string, url = postgresUrl()): Promise<void> {
  if (url === undefined) throw new Error('no PostgreSQL in this test run');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A new, empty database with a unique name; `drop` removes it even while connections remain. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `facade_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl()!);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/**
 * A fresh database for each test of the file (when PostgreSQL is there): `url` names it; `cleanUp` (closing what the
 * test opened on it) runs before the database is dropped.
 */
export function useFreshDatabase(cleanUp: () => Promise<void>): { readonly url: string } {
  let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
  beforeEach(async () => {
    if (postgresUrl()) database = await freshDatabase();
  });
  afterEach(async () => {
    await cleanUp();
    await database?.drop();
    database = undefined;
  });
  return {
    get url() {
      if (database === undefined) throw new Error('no test database: PostgreSQL is not available');
      return database.url;
    },
  };
}

/** Empties every table of the database at `url` but its schema version (cheaper than a database per test). */
export function emptyDatabase(url: string): Promise<void> {
  return onServer(
    `DO $$ DECLARE tables text; BEGIN
       SELECT string_agg(quote_ident(tablename), ', ') INTO tables FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations';
       IF tables IS NOT NULL THEN EXECUTE 'TRUNCATE ' || tables || ' RESTART IDENTITY'; END IF;
     END $$`,
    url,
  );
}
