// A throwaway PostgreSQL from Debian's packages, for the store's tests and for trying DATABASE_URL by hand: one
// server per root directory (default `.postgres/`, git-ignored), on 127.0.0.1 only, run by an unprivileged user.
// Reusable for anything else that needs one (Synapse on PostgreSQL).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { isAlive } from '../synapse/process.ts';
import { choosePort } from '../synapse/internal/port.ts';
import { hold, holdersDir, letGo, withLock } from './internal/lock.ts';
import { assertTraversable, ensureBinDir, findBinDir, ownedBy, run, serverUser, type ServerUser } from './internal/system.ts';

/** `$POSTGRES_HOME`, else `<project>/.postgres`: where `postgres:up`, `postgres:down` and the tests keep theirs. */
export const DEFAULT_POSTGRES_ROOT = resolve(import.meta.dirname, '..', '..', process.env.POSTGRES_HOME ?? '.postgres');

/** The login role and database made for the facade; the role may create databases (one per test file). */
const FACADE_ROLE = 'facade';

/** `<root>/state.json` (mode 0600: the URL holds the facade role's password). */
export interface PostgresState {
  /** `postgres://facade:<password>@127.0.0.1:<port>/facade` */
  url: string;
  port: number;
  /** The postmaster's pid. */
  pid: number;
  dataDir: string;
  /** Debian's `/usr/lib/postgresql/<major>/bin`. */
  binDir: string;
  /**
   * Started for test runs (holders), and stopped by the last of them to let go; false once `postgres:up` started or
   * reused it, so that no test run stops a server someone asked for by hand.
   */
  temporary: boolean;
}

/** What startPostgres found or made. */
export interface PostgresStart extends PostgresState {
  /** False when a live recorded server was reused: the caller should then leave it running. */
  started: boolean;
}

const paths = (root: string) => ({
  data: join(root, 'data'),
  socket: join(root, 'socket'),
  log: join(root, 'postgres.log'),
  state: join(root, 'state.json'),
});

/** The recorded server of `root`, if any (alive or not). */
export async function readPostgresState(root: string): Promise<PostgresState | undefined> {
  const file = paths(root).state;
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as PostgresState) : undefined;
}

/** True when the recorded postmaster runs and the facade role can log in with the recorded URL. */
async function answers(state: PostgresState): Promise<boolean> {
  if (!isAlive(state.pid)) return false;
  const client = new pg.Client({ connectionString: state.url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const postmasterPid = async (dataDir: string) => Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);

/** `pg_ctl start -w`, then the running postmaster's pid. */
async function pgCtlStart(user: ServerUser, root: string, binDir: string): Promise<number> {
  const { data, log } = paths(root);
  await ownedBy(user, log, 'file');
  await run(join(binDir, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', 'start'], { user, cwd: root });
  return postmasterPid(data);
}

/** A new cluster in `<root>/data` with the facade role and database; returns its state. */
async function initialise(user: ServerUser, root: string, binDir: string): Promise<PostgresState> {
  const { data, socket } = paths(root);
  await rm(data, { recursive: true, force: true });
  await ownedBy(user, data, 'dir');
  await ownedBy(user, socket, 'dir');
  // Byte order (C) like SQLite's, while C.UTF-8 classifies letters for pg_trgm. Local connections need no password:
  // the socket sits in a directory only the server user (and root) may enter.
  const locale = ['--encoding=UTF8', '--lc-collate=C', '--lc-ctype=C.UTF-8'];
  await run(join(binDir, 'initdb'), ['-D', data, '-U', user.name, ...locale, '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '--no-instructions'], { user, cwd: root });
  const port = await choosePort(undefined);
  // Throwaway data: a crash may lose or corrupt it, which costs nothing here and makes every write far cheaper.
  const settings = {
    listen_addresses: "'127.0.0.1'",
    port: String(port),
    unix_socket_directories: `'${socket}'`,
    max_connections: '300',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
  };
  await appendFile(join(data, 'postgresql.conf'), `\n# written by scripts/postgres/server.ts\n${Object.entries(settings).map(([name, value]) => `${name} = ${value}`).join('\n')}\n`);
  const pid = await pgCtlStart(user, root, binDir);
  const password = randomBytes(16).toString('hex');
  const admin = new pg.Client({ host: socket, port, user: user.name, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${FACADE_ROLE} LOGIN CREATEDB PASSWORD '${password}'`);
    await admin.query(`CREATE DATABASE ${FACADE_ROLE} OWNER ${FACADE_ROLE}`);
  } finally {
    await admin.end();
  }
  return { url: `postgres://${FACADE_ROLE}:${password}@127.0.0.1:${port}/${FACADE_ROLE}`, port, pid, dataDir: data, binDir, temporary: false };
}

/** Stops whatever postmaster runs on `<root>/data` (fast shutdown); true if one did. */
async function stopServer(user: ServerUser, root: string, binDir: string | undefined): Promise<boolean> {
  const { data } = paths(root);
  if (binDir === undefined || !existsSync(join(data, 'postmaster.pid')) || !isAlive(await postmasterPid(data))) return false;
  await run(join(binDir, 'pg_ctl'), ['-D', data, '-w', '-t', '60', '-m', 'fast', 'stop'], { user, cwd: root });
  return true;
}

/** The recorded server restarted on its own data (same port and password, so the same URL), if that works. */
async function restarted(user: ServerUser, root: string, recorded: PostgresState | undefined): Promise<PostgresState | undefined> {
  if (!recorded || !existsSync(join(recorded.dataDir, 'PG_VERSION'))) return undefined;
  try {
    await stopServer(user, root, recorded.binDir);
    const state = { ...recorded, pid: await pgCtlStart(user, root, recorded.binDir) };
    return (await answers(state)) ? state : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `<root>/state.json`, readable by its owner only. */
async function writeState(root: string, state: PostgresState): Promise<void> {
  await writeFile(paths(root).state, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await chmod(paths(root).state, 0o600);
}

/** Options of startPostgres. */
export interface StartPostgresOptions {
  root: string;
  /** A test run's pid: it holds the server until releasePostgres (default: none, the server is kept until postgres:down). */
  holder?: number;
  log?: (line: string) => void;
}

/**
 * Makes sure a PostgreSQL runs for `root` and returns its state (also in `<root>/state.json`): the recorded server
 * when it answers, else the recorded one restarted, else a new one (installing Debian's package first when missing
 * and we are root). Throws PostgresSetupError when it cannot.
 */
export async function startPostgres({ root, holder, log = () => undefined }: StartPostgresOptions): Promise<PostgresStart> {
  await mkdir(holdersDir(root), { recursive: true, mode: 0o755 });
  return withLock(root, async () => {
    if (holder !== undefined) await hold(root, holder);
    const recorded = await readPostgresState(root);
    if (recorded && (await answers(recorded))) {
      if (holder === undefined && recorded.temporary) await writeState(root, { ...recorded, temporary: false });
      return { ...recorded, started: false };
    }
    const binDir = await ensureBinDir(log);
    const user = await serverUser();
    assertTraversable(root, user);
    let state = await restarted(user, root, recorded);
    if (!state) {
      await stopServer(user, root, binDir);
      state = await initialise(user, root, binDir);
    }
    state.temporary = holder !== undefined;
    await writeState(root, state);
    return { ...state, started: true };
  });
}

/** Removes the server of `root`; the caller holds the lock. */
async function removeServer(root: string, recorded: PostgresState | undefined): Promise<boolean> {
  const stopped = await stopServer(await serverUser(), root, recorded?.binDir ?? (await findBinDir()));
  const { state, data, socket } = paths(root);
  await Promise.all([state, data, socket, holdersDir(root)].map((path) => rm(path, { recursive: true, force: true })));
  return stopped;
}

/**
 * A test run lets go of the server: the last live holder of a temporary server stops it (true when it did), so
 * test runs sharing one server never stop it under each other.
 */
export async function releasePostgres(root: string, holder: number): Promise<boolean> {
  return withLock(root, async () => {
    const others = await letGo(root, holder);
    const recorded = await readPostgresState(root);
    return recorded?.temporary && others === 0 ? removeServer(root, recorded) : false;
  });
}

/** Stops the server of `root` whoever holds it, and removes its state and data (the log stays); true if one ran. */
export async function stopPostgres(root: string): Promise<boolean> {
  if (!existsSync(root)) return false;
  return withLock(root, async () => removeServer(root, await readPostgresState(root)));
}
