// Synapse on PostgreSQL: a throwaway server (scripts/postgres/server.ts) in the run's home, and the database Synapse
// insists on (UTF8, C collation and ctype, docs/postgres.md), for `SYNAPSE_DATABASE=postgres`.
import pg from 'pg';
import { readPostgresState, startPostgres, stopPostgres } from '../postgres/server.ts';
import type { PostgresConnection } from './config.ts';
import { BIND_HOST, synapsePaths } from './paths.ts';
import { SynapseSetupError } from './internal/run.ts';

/** The database Synapse's data goes in, owned by the server's login role. */
export const SYNAPSE_DATABASE_NAME = 'synapse';

/** Synapse: docs/postgres.md "Set up database": it refuses any other collation or ctype without allow_unsafe_locale. */
export const CREATE_SYNAPSE_DATABASE = `CREATE DATABASE ${SYNAPSE_DATABASE_NAME} ENCODING 'UTF8' LC_COLLATE='C' LC_CTYPE='C' TEMPLATE template0`;

/** The login role's URL with the database swapped for Synapse's (for seeding its tables directly). */
export function synapseDatabaseUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${SYNAPSE_DATABASE_NAME}`;
  return url.toString();
}

/** Connection arguments for Synapse's `database.args`, from the server's URL. */
export function connectionOf(serverUrl: string): PostgresConnection {
  const url = new URL(serverUrl);
  return {
    host: BIND_HOST,
    port: Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: SYNAPSE_DATABASE_NAME,
  };
}

/**
 * Starts (or reuses) the run's PostgreSQL under `<home>/server` and makes sure Synapse's database exists; answers
 * how Synapse connects. Installs Debian's postgresql with apt when missing (as root). Throws SynapseSetupError.
 */
export async function ensureSynapsePostgres({ log = console.error }: { log?: (line: string) => void } = {}): Promise<PostgresConnection> {
  let url: string;
  try {
    const server = await startPostgres({ root: synapsePaths.postgresRoot, log });
    url = server.url;
    log(`synapse: PostgreSQL ${server.started ? 'started' : 'reused'} on ${BIND_HOST}:${server.port} (data in ${server.dataDir})`);
  } catch (error) {
    throw new SynapseSetupError(`PostgreSQL for Synapse could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [SYNAPSE_DATABASE_NAME]);
    if (rowCount === 0) await client.query(CREATE_SYNAPSE_DATABASE);
  } finally {
    await client.end();
  }
  return connectionOf(url);
}

/** The URL of Synapse's database on the run's server (with the role's password), if that server is recorded. */
export async function synapseDatabaseUrlOfRun(): Promise<string | undefined> {
  const server = await readPostgresState(synapsePaths.postgresRoot);
  return server === undefined ? undefined : synapseDatabaseUrl(server.url);
}

/** Stops the run's PostgreSQL and removes its data (Synapse must be stopped first); true if one ran. */
export function stopSynapsePostgres(): Promise<boolean> {
  return stopPostgres(synapsePaths.postgresRoot);
}
