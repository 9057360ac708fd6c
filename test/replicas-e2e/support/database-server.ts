// The run's PostgreSQL taken away and brought back under running replicas: `pg_ctl stop -m fast` on its data
// directory as the user that runs it, then the same server started again on the same data, port and password.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { DEFAULT_POSTGRES_ROOT, readPostgresState, startPostgres, type PostgresState } from '../../../scripts/postgres/server.ts';

const run = promisify(execFile);

/** The user scripts/postgres/server.ts runs the server as when we are root (initdb and pg_ctl refuse root). */
const SERVER_USER = 'postgres';

/** The recorded server of `root`; throws when there is none. */
async function recorded(root: string): Promise<PostgresState> {
  const state = await readPostgresState(root);
  if (!state) throw new Error(`no PostgreSQL recorded in ${root}`);
  return state;
}

/**
 * Fast shutdown of the run's server (every client is disconnected at once, as when a database host dies), as its
 * own user; resolves once it has stopped. Answers the state it had, to compare with the restarted one.
 */
export async function stopDatabaseServer(root: string = DEFAULT_POSTGRES_ROOT): Promise<PostgresState> {
  const state = await recorded(root);
  const pgCtl = [`${state.binDir}/pg_ctl`, '-D', state.dataDir, '-w', '-t', '60', '-m', 'fast', 'stop'];
  const [program, ...args] = process.getuid?.() === 0 ? ['runuser', '-u', SERVER_USER, '--', ...pgCtl] : pgCtl;
  await run(program!, args, { cwd: root });
  return state;
}

/**
 * Starts the stopped server again: startPostgres finds the recorded one not answering and restarts it on its own
 * data directory (its port is in postgresql.conf), so the URL every replica holds works again. A server test runs
 * started stays theirs (restarted under this run's hold); one `postgres:up` started stays kept.
 */
export async function restartDatabaseServer(root: string = DEFAULT_POSTGRES_ROOT): Promise<PostgresState> {
  const { temporary } = await recorded(root);
  return startPostgres({ root, ...(temporary ? { holder: inject('postgresHolder') } : {}) });
}
