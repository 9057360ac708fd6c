// Creates .fuzz/venv with the pinned schemathesis from PyPI, reusing a venv that already has it.
import { ensurePinnedVenv } from '../synapse/internal/pinned-venv.ts';
import { FuzzSetupError } from './errors.ts';
import { SCHEMATHESIS_VERSION, fuzzPaths } from './paths.ts';

/**
 * Makes sure `.fuzz/venv` holds schemathesis==SCHEMATHESIS_VERSION ($FUZZ_PYTHON or `python3`) and returns its
 * `schemathesis` executable. Throws FuzzSetupError, with pip's output, when it cannot be installed.
 */
export async function ensureSchemathesis({ log = console.error }: { log?: (line: string) => void } = {}): Promise<string> {
  await ensurePinnedVenv({
    name: 'fuzz',
    pypiPackage: 'schemathesis',
    version: SCHEMATHESIS_VERSION,
    venv: fuzzPaths.venv,
    venvPython: fuzzPaths.venvPython,
    marker: fuzzPaths.installedMarker,
    fail: (message) => new FuzzSetupError(message),
    log,
  });
  return fuzzPaths.schemathesis;
}
