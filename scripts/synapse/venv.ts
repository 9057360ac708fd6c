// Creates the run's venv and installs its matrix-synapse release into it (under the release's committed pip
// constraints), reusing a venv that already has it.
import { synapsePaths, synapseRun } from './paths.ts';
import { SynapseSetupError } from './internal/run.ts';
import { ensurePinnedVenv } from './internal/pinned-venv.ts';

/**
 * Installed beside Synapse in every venv, so one venv serves both databases: Synapse's `postgres` extra wants
 * psycopg2 built from source (pg_config, a compiler); the binary wheel is the same module.
 */
export const SYNAPSE_EXTRA_REQUIREMENTS = ['psycopg2-binary'] as const;

/**
 * Makes sure the run's venv (`.synapse/venv` for the pinned release, `.synapse/<version>/venv` else) holds
 * matrix-synapse==<version> (Python 3.10+, $SYNAPSE_PYTHON or `python3`), installed with `-c
 * scripts/synapse/constraints/<version>.txt` when that file exists; returns the venv's python.
 */
export function ensureSynapseVenv({ log = console.error }: { log?: (line: string) => void } = {}): Promise<string> {
  return ensurePinnedVenv({
    name: 'synapse',
    pypiPackage: 'matrix-synapse',
    version: synapseRun.version,
    extraRequirements: SYNAPSE_EXTRA_REQUIREMENTS,
    constraints: synapsePaths.constraints,
    venv: synapsePaths.venv,
    venvPython: synapsePaths.venvPython,
    marker: synapsePaths.installedMarker,
    minPython: [3, 10],
    fail: (message) => new SynapseSetupError(message),
    log,
  });
}
