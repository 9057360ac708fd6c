// Creates .fuzz/venv with the pinned schemathesis from PyPI, reusing a venv that already has it.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { run } from '../synapse/internal/run.ts';
import { FuzzSetupError } from './errors.ts';
import { SCHEMATHESIS_VERSION, fuzzPaths } from './paths.ts';

async function installedVersion(): Promise<string | undefined> {
  if (!existsSync(fuzzPaths.schemathesis) || !existsSync(fuzzPaths.installedMarker)) return undefined;
  return (await readFile(fuzzPaths.installedMarker, 'utf8')).trim();
}

/**
 * Makes sure `.fuzz/venv` holds schemathesis==SCHEMATHESIS_VERSION and returns its `schemathesis` executable.
 * Uses $FUZZ_PYTHON (default `python3`) to create the venv; a venv whose marker names the pin is reused as is.
 * Throws FuzzSetupError, with pip's output, when it cannot be installed.
 */
export async function ensureSchemathesis({ log = console.error }: { log?: (line: string) => void } = {}): Promise<string> {
  if ((await installedVersion()) === SCHEMATHESIS_VERSION) return fuzzPaths.schemathesis;
  const python = process.env.FUZZ_PYTHON ?? 'python3';
  if (!existsSync(fuzzPaths.venvPython)) {
    log(`fuzz: creating virtualenv ${fuzzPaths.venv}`);
    const venv = await run(python, ['-m', 'venv', fuzzPaths.venv], { missingHint: `cannot run ${python} (set FUZZ_PYTHON)` });
    if (venv.exitCode !== 0) throw new FuzzSetupError(`"${python} -m venv" failed (is python3-venv installed?):\n${venv.output}`);
  }
  log(`fuzz: installing schemathesis==${SCHEMATHESIS_VERSION} from PyPI`);
  const install = await run(
    fuzzPaths.venvPython,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`],
    { missingHint: 'the fuzz virtualenv has no python' },
  );
  if (install.exitCode !== 0) {
    throw new FuzzSetupError(`pip install schemathesis==${SCHEMATHESIS_VERSION} failed:\n${install.output.slice(-4000)}`);
  }
  await writeFile(fuzzPaths.installedMarker, `${SCHEMATHESIS_VERSION}\n`);
  return fuzzPaths.schemathesis;
}
