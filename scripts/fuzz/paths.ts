// Where the fuzz run keeps its things and which schemathesis it pins; everything sits under the git-ignored .fuzz/.
import { resolve } from 'node:path';

/** The schemathesis release installed from PyPI; bump deliberately (checks and report formats change between releases). */
export const SCHEMATHESIS_VERSION = '4.32.5';

const projectRoot = resolve(import.meta.dirname, '..', '..');
const root = resolve(projectRoot, '.fuzz');

/** Absolute paths of everything the fuzz run creates or reads. */
export const fuzzPaths = {
  projectRoot,
  root,
  venv: resolve(root, 'venv'),
  venvPython: resolve(root, 'venv', 'bin', 'python'),
  schemathesis: resolve(root, 'venv', 'bin', 'schemathesis'),
  installedMarker: resolve(root, 'venv', '.installed-version'),
  /** SYNAPSE_HOME of the run's own throwaway Synapse, so the e2e suite's data is never touched. */
  synapseHome: resolve(root, 'synapse'),
  config: resolve(root, 'schemathesis.toml'),
  targets: resolve(root, 'targets.json'),
  reportDir: resolve(root, 'report'),
  jsonReport: resolve(root, 'report', 'run.json'),
  ndjsonReport: resolve(root, 'report', 'events.ndjson'),
  schemathesisLog: resolve(root, 'schemathesis.log'),
  facadeLog: resolve(root, 'facade.log'),
  summary: resolve(root, 'summary.json'),
  hooksReport: resolve(root, 'report', 'hooks.json'),
  hooks: resolve(import.meta.dirname, 'hooks.py'),
} as const;
