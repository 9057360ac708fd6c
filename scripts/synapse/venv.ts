// Creates .synapse/venv and installs the pinned matrix-synapse into it, reusing a venv that already has it.
import { SYNAPSE_VERSION, synapsePaths } from './paths.ts';
import { SynapseSetupError } from './internal/run.ts';
import { ensurePinnedVenv } from './internal/pinned-venv.ts';

/**
 * Makes sure `.synapse/venv` holds matrix-synapse==SYNAPSE_VERSION (Python 3.10+, $SYNAPSE_PYTHON or
 * `python3`) and returns the venv's python; a venv that already has it is reused as it is.
 */
export function ensureSynapseVenv({ log = console.error }: { log?: (line: string) => void } = {}): Promise<string> {
  return ensurePinnedVenv({
    name: 'synapse',
    pypiPackage: 'matrix-synapse',
    version: SYNAPSE_VERSION,
    venv: synapsePaths.venv,
    venvPython: synapsePaths.venvPython,
    marker: synapsePaths.installedMarker,
    minPython: [3, 10],
    fail: (message) => new SynapseSetupError(message),
    log,
  });
}
