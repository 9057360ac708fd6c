// Where the local Synapse lives on disk and which release it is; everything sits under the git-ignored .synapse/.
import { resolve } from 'node:path';

/** The matrix-synapse release installed from PyPI; bump deliberately, the e2e suite is pinned to it. */
export const SYNAPSE_VERSION = '1.163.2';

/** server_name of the local homeserver, so local user IDs read `@admin:localhost`. */
export const SERVER_NAME = 'localhost';

/** The only address Synapse binds to and is reached on. */
export const BIND_HOST = '127.0.0.1';

const projectRoot = resolve(import.meta.dirname, '..', '..');
/** $SYNAPSE_HOME relocates everything (e.g. to try a clean install); default `<project>/.synapse`. */
const root = resolve(projectRoot, process.env.SYNAPSE_HOME ?? '.synapse');

/** Absolute paths of everything the scripts create. */
export const synapsePaths = {
  root,
  venv: resolve(root, 'venv'),
  venvPython: resolve(root, 'venv', 'bin', 'python'),
  installedMarker: resolve(root, 'venv', '.installed-version'),
  dataDir: resolve(root, 'data'),
  generatedConfig: resolve(root, 'data', 'homeserver.yaml'),
  overridesConfig: resolve(root, 'data', 'overrides.yaml'),
  logConfig: resolve(root, 'data', 'log.config.yaml'),
  database: resolve(root, 'data', 'homeserver.db'),
  log: resolve(root, 'homeserver.log'),
  pidFile: resolve(root, 'synapse.pid'),
  state: resolve(root, 'state.json'),
  seed: resolve(root, 'seed.json'),
} as const;
