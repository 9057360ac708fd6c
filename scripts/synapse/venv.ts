// Creates .synapse/venv and installs the pinned matrix-synapse into it, reusing a venv that already has it.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { SYNAPSE_VERSION, synapsePaths } from './paths.ts';
import { run, SynapseSetupError } from './internal/run.ts';

const MIN_PYTHON = [3, 10] as const;

/** The Python used to create the venv: $SYNAPSE_PYTHON, else `python3` on PATH. */
function basePython(): string {
  return process.env.SYNAPSE_PYTHON ?? 'python3';
}

async function checkPythonVersion(python: string): Promise<void> {
  const { exitCode, output } = await run(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
    missingHint: `Python ${MIN_PYTHON.join('.')}+ is required but "${python}" was not found (install it or set SYNAPSE_PYTHON)`,
  });
  const [major = 0, minor = 0] = output.trim().split('.').map(Number);
  if (exitCode !== 0 || major < MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor < MIN_PYTHON[1])) {
    throw new SynapseSetupError(`Synapse needs Python ${MIN_PYTHON.join('.')}+, "${python}" reports: ${output.trim()}`);
  }
}

async function installedVersion(): Promise<string | undefined> {
  if (!existsSync(synapsePaths.venvPython)) return undefined;
  return existsSync(synapsePaths.installedMarker) ? (await readFile(synapsePaths.installedMarker, 'utf8')).trim() : undefined;
}

/**
 * Makes sure `.synapse/venv` holds matrix-synapse==SYNAPSE_VERSION and returns the venv's python.
 * A venv whose marker already names the pinned version is reused without touching pip (a second run takes no time).
 */
export async function ensureSynapseVenv({ log = console.error }: { log?: (line: string) => void } = {}): Promise<string> {
  if ((await installedVersion()) === SYNAPSE_VERSION) return synapsePaths.venvPython;
  const python = basePython();
  await checkPythonVersion(python);
  if (!existsSync(synapsePaths.venvPython)) {
    log(`synapse: creating virtualenv ${synapsePaths.venv}`);
    const venv = await run(python, ['-m', 'venv', synapsePaths.venv], { missingHint: `cannot run ${python}` });
    if (venv.exitCode !== 0) {
      throw new SynapseSetupError(`"${python} -m venv" failed (is the venv/ensurepip module installed?):\n${venv.output}`);
    }
  }
  const pip = await run(synapsePaths.venvPython, ['-m', 'pip', '--version'], { missingHint: 'the virtualenv has no python' });
  if (pip.exitCode !== 0) {
    throw new SynapseSetupError(`pip is not available in ${synapsePaths.venv} (install python3-pip / ensurepip):\n${pip.output}`);
  }
  log(`synapse: installing matrix-synapse==${SYNAPSE_VERSION} from PyPI (a minute or two the first time)`);
  const install = await run(
    synapsePaths.venvPython,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', `matrix-synapse==${SYNAPSE_VERSION}`],
    { missingHint: 'the virtualenv has no python' },
  );
  if (install.exitCode !== 0) {
    throw new SynapseSetupError(`pip install matrix-synapse==${SYNAPSE_VERSION} failed:\n${install.output.slice(-4000)}`);
  }
  await writeFile(synapsePaths.installedMarker, `${SYNAPSE_VERSION}\n`);
  return synapsePaths.venvPython;
}
