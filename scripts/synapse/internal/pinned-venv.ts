// A virtualenv holding one pinned PyPI package, created with the system Python and reused while its marker
// names the pin: the local Synapse and the fuzz run's schemathesis both come this way.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { run } from './run.ts';

/** One pinned package and where its virtualenv lives. */
export interface PinnedVenv {
  /** Log prefix and the environment variable naming the Python to use (`SYNAPSE` → $SYNAPSE_PYTHON). */
  name: string;
  /** The PyPI package and its exact version. */
  pypiPackage: string;
  version: string;
  venv: string;
  venvPython: string;
  /** A file in the venv naming the version installed, written once pip succeeded. */
  marker: string;
  /** More packages installed beside it (unpinned here: the constraints file pins them). */
  extraRequirements?: readonly string[];
  /** A pip constraints file (`pip install -c`), for an old release whose dependencies must be held back. */
  constraints?: string;
  /** Oldest Python accepted, when the package has one. */
  minPython?: readonly [number, number];
  /** The error thrown for anything that stops the install, its message for a human. */
  fail: (message: string) => Error;
  log?: (line: string) => void;
}

/** The Python the venv is created with: $<NAME>_PYTHON, else `python3` on PATH. */
const basePython = (name: string) => process.env[`${name.toUpperCase()}_PYTHON`] ?? 'python3';

async function checkPythonVersion(python: string, [major, minor]: readonly [number, number], { name, fail }: PinnedVenv): Promise<void> {
  const { exitCode, output } = await run(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
    missingHint: `Python ${major}.${minor}+ is required but "${python}" was not found (install it or set ${name.toUpperCase()}_PYTHON)`,
  });
  const [found = 0, foundMinor = 0] = output.trim().split('.').map(Number);
  if (exitCode !== 0 || found < major || (found === major && foundMinor < minor)) {
    throw fail(`${name} needs Python ${major}.${minor}+, "${python}" reports: ${output.trim()}`);
  }
}

/**
 * What the marker records: the version alone for a lone package, else the requirements and the constraints
 * file's hash too, so that editing the constraints (or adding a package) installs again.
 */
export function installedMarker(version: string, extraRequirements: readonly string[], constraintsText: string | undefined): string {
  if (extraRequirements.length === 0 && constraintsText === undefined) return version;
  const constraintsHash = constraintsText === undefined ? 'none' : createHash('sha256').update(constraintsText).digest('hex').slice(0, 16);
  return [version, ...extraRequirements, `constraints:${constraintsHash}`].join(' ');
}

/** The pip arguments installing `requirements` under an optional constraints file. */
export function pipInstallArgs(requirements: readonly string[], constraints: string | undefined): string[] {
  return ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', ...(constraints === undefined ? [] : ['-c', constraints]), ...requirements];
}

/**
 * Makes sure `venv` holds the pinned package and returns its python. A venv whose marker already names the
 * version (and the same extras and constraints) is reused without touching pip (a second run takes no time).
 */
export async function ensurePinnedVenv(pinned: PinnedVenv): Promise<string> {
  const { name, pypiPackage, version, venv, venvPython, marker, minPython, fail, log = console.error } = pinned;
  const { extraRequirements = [], constraints } = pinned;
  const wanted = installedMarker(version, extraRequirements, constraints === undefined ? undefined : await readFile(constraints, 'utf8'));
  if (existsSync(venvPython) && existsSync(marker) && (await readFile(marker, 'utf8')).trim() === wanted) return venvPython;
  const requirement = `${pypiPackage}==${version}`;
  const python = basePython(name);
  if (minPython) await checkPythonVersion(python, minPython, pinned);
  if (!existsSync(venvPython)) {
    log(`${name}: creating virtualenv ${venv}`);
    const created = await run(python, ['-m', 'venv', venv], { missingHint: `cannot run ${python} (set ${name.toUpperCase()}_PYTHON)` });
    if (created.exitCode !== 0) throw fail(`"${python} -m venv" failed (is the venv/ensurepip module installed?):\n${created.output}`);
  }
  const pip = await run(venvPython, ['-m', 'pip', '--version'], { missingHint: 'the virtualenv has no python' });
  if (pip.exitCode !== 0) throw fail(`pip is not available in ${venv} (install python3-pip / ensurepip):\n${pip.output}`);
  const requirements = [requirement, ...extraRequirements];
  log(`${name}: installing ${requirements.join(' ')} from PyPI${constraints === undefined ? '' : ` (constraints: ${constraints})`}`);
  const install = await run(venvPython, pipInstallArgs(requirements, constraints), { missingHint: 'the virtualenv has no python' });
  if (install.exitCode !== 0) throw fail(`pip install ${requirements.join(' ')} failed:\n${install.output.slice(-4000)}`);
  await writeFile(marker, `${wanted}\n`);
  return venvPython;
}
