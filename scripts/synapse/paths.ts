// Which Synapse release and database a run uses, and where it lives on disk: everything under the git-ignored .synapse/.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The newest matrix-synapse release, pinned: `npm run test:e2e` runs it; bump deliberately. */
export const SYNAPSE_VERSION = '1.163.2';

/** server_name of the local homeserver, so local user IDs read `@admin:localhost`. */
export const SERVER_NAME = 'localhost';

/** The only address Synapse (and its PostgreSQL) binds to and is reached on. */
export const BIND_HOST = '127.0.0.1';

/** Synapse's two database engines. */
export const SYNAPSE_DATABASES = ['sqlite', 'postgres'] as const;
export type SynapseDatabase = (typeof SYNAPSE_DATABASES)[number];

/** One release on one database: what a Synapse run is. */
export interface SynapseRun {
  version: string;
  database: SynapseDatabase;
}

/** Thrown for a $SYNAPSE_VERSION or $SYNAPSE_DATABASE that names nothing runnable. */
export class SynapseSelectionError extends Error {
  override name = 'SynapseSelectionError';
}

/**
 * The run named by `$SYNAPSE_VERSION` (an exact `x.y.z` PyPI release, default the pinned one) and
 * `$SYNAPSE_DATABASE` (`sqlite`, the default, or `postgres`). Strict, since the version becomes a path and a pip
 * requirement: anything else throws SynapseSelectionError.
 */
export function selectSynapseRun(env: Record<string, string | undefined>): SynapseRun {
  const version = env.SYNAPSE_VERSION?.trim() || SYNAPSE_VERSION;
  if (!/^\d{1,3}\.\d{1,4}\.\d{1,4}$/.test(version)) {
    throw new SynapseSelectionError(`SYNAPSE_VERSION must be a release like ${SYNAPSE_VERSION}, not ${JSON.stringify(version)}`);
  }
  const database = env.SYNAPSE_DATABASE?.trim() || 'sqlite';
  if (!SYNAPSE_DATABASES.includes(database as SynapseDatabase)) {
    throw new SynapseSelectionError(`SYNAPSE_DATABASE must be one of ${SYNAPSE_DATABASES.join(', ')}, not ${JSON.stringify(database)}`);
  }
  return { version, database: database as SynapseDatabase };
}

/** `1.92.3/postgres`: how a run is named in logs and the matrix table. */
export const runLabel = ({ version, database }: SynapseRun): string => `${version}/${database}`;

/** Where the committed pip constraints of each release live: `<version>.txt`. */
export const CONSTRAINTS_DIR = resolve(import.meta.dirname, 'constraints');

/**
 * Every path of one run under `root`. A release's venv is shared by its databases: the pinned release keeps
 * `<root>/venv`, an older one `<root>/<version>/venv`. A run's data, log, state and seed sit in its home: the
 * release's directory on SQLite, `postgres/` inside it on PostgreSQL (whose throwaway server is `postgres/server/`).
 */
export function runPaths({ version, database }: SynapseRun, root: string) {
  const versionHome = version === SYNAPSE_VERSION ? root : resolve(root, version);
  const home = database === 'sqlite' ? versionHome : resolve(versionHome, 'postgres');
  const constraints = resolve(CONSTRAINTS_DIR, `${version}.txt`);
  return {
    root,
    home,
    venv: resolve(versionHome, 'venv'),
    venvPython: resolve(versionHome, 'venv', 'bin', 'python'),
    installedMarker: resolve(versionHome, 'venv', '.installed-version'),
    /** The release's pip constraints file, when the repository has one. */
    constraints: existsSync(constraints) ? constraints : undefined,
    dataDir: resolve(home, 'data'),
    generatedConfig: resolve(home, 'data', 'homeserver.yaml'),
    overridesConfig: resolve(home, 'data', 'overrides.yaml'),
    logConfig: resolve(home, 'data', 'log.config.yaml'),
    database: resolve(home, 'data', 'homeserver.db'),
    /** The throwaway PostgreSQL's root (scripts/postgres/server.ts), for a run on PostgreSQL. */
    postgresRoot: resolve(home, 'server'),
    log: resolve(home, 'homeserver.log'),
    pidFile: resolve(home, 'synapse.pid'),
    state: resolve(home, 'state.json'),
    seed: resolve(home, 'seed.json'),
    /** One line per Synapse-vs-facade comparison of the e2e suite (test/e2e/support/compare.ts). */
    comparisons: resolve(home, 'e2e-comparisons.log'),
  } as const;
}

const projectRoot = resolve(import.meta.dirname, '..', '..');

/** The run this process was started for (a second run needs a second process: paths are fixed on load). */
export const synapseRun: SynapseRun = selectSynapseRun(process.env);

/** Absolute paths of everything the scripts create; $SYNAPSE_HOME relocates them all (default `<project>/.synapse`). */
export const synapsePaths = runPaths(synapseRun, resolve(projectRoot, process.env.SYNAPSE_HOME ?? '.synapse'));
