// The fuzz run's own Synapse: the pinned release in a fresh data dir under .fuzz/, so the e2e suite's is never touched.
import { readlinkSync } from 'node:fs';
import { mkdir, readFile, rm, symlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { run } from '../synapse/internal/run.ts';
import { SERVER_NAME, synapsePaths } from '../synapse/paths.ts';
import { PROBE_DESTINATIONS } from '../synapse/seed-federation.ts';
import type { SeedRecord } from '../synapse/seed.ts';
import type { SynapseState } from '../synapse/state.ts';
import { ensureSynapseVenv } from '../synapse/venv.ts';
import { FuzzSetupError } from './errors.ts';
import { fuzzPaths } from './paths.ts';

/** A running, seeded throwaway Synapse. */
export interface FuzzSynapse {
  state: SynapseState;
  seed: SeedRecord;
  /** Stops it (SIGTERM, then SIGKILL); its data stays for a look until the next run wipes it. */
  stop(): Promise<void>;
}

const home = fuzzPaths.synapseHome;

/**
 * Runs one of scripts/synapse/*.ts in a child Node with SYNAPSE_HOME pointing at the fuzz home: the paths there
 * are fixed when paths.ts loads, so a second home needs a second process.
 */
async function synapseScript(name: 'up' | 'down'): Promise<string> {
  const script = resolve(fuzzPaths.projectRoot, 'scripts', 'synapse', `${name}.ts`);
  const env = {
    SYNAPSE_HOME: home,
    // Synapse appends `git describe` of its package dir to its version; through the venv symlink that is this
    // repository, so git is pointed nowhere and the version reads as the pinned release alone.
    GIT_DIR: resolve(home, 'no-git'),
    // Generated aliases and user IDs name arbitrary servers: Synapse may federate only with itself and the seed's
    // loopback probes (which it refuses by IP anyway), so no lookup or connection leaves the machine.
    SYNAPSE_FEDERATION_DOMAIN_WHITELIST: [SERVER_NAME, ...PROBE_DESTINATIONS].join(','),
  };
  const { exitCode, output } = await run('env', [...Object.entries(env).map(([key, value]) => `${key}=${value}`), process.execPath, script], {
    missingHint: 'cannot run env',
  });
  if (exitCode !== 0) throw new FuzzSetupError(`synapse:${name} for the fuzz run failed:\n${output.slice(-4000)}`);
  return output;
}

function linkTarget(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}

/** The fuzz home shares the e2e suite's venv (one install of matrix-synapse) through a symlink. */
async function linkVenv(): Promise<void> {
  const link = resolve(home, 'venv');
  if (linkTarget(link) === synapsePaths.venv) return;
  await rm(link, { force: true, recursive: true });
  await symlink(synapsePaths.venv, link, 'dir');
}

/**
 * Starts the pinned Synapse on a free loopback port with a data dir made for this run, seeded as for the e2e
 * suite (rooms, users, history, destinations). A Synapse left by an earlier run is stopped and its data wiped.
 */
export async function startFuzzSynapse({ log = console.error }: { log?: (line: string) => void } = {}): Promise<FuzzSynapse> {
  await ensureSynapseVenv({ log });
  await mkdir(home, { recursive: true });
  await linkVenv();
  await synapseScript('down');
  for (const entry of ['data', 'state.json', 'seed.json', 'homeserver.log']) await rm(resolve(home, entry), { force: true, recursive: true });
  const startedAt = Date.now();
  log(`fuzz: starting a fresh Synapse in ${home}`);
  const stop = async () => {
    await synapseScript('down');
  };
  try {
    await synapseScript('up');
    const state = JSON.parse(await readFile(resolve(home, 'state.json'), 'utf8')) as SynapseState;
    const seed = JSON.parse(await readFile(resolve(home, 'seed.json'), 'utf8')) as SeedRecord;
    log(`fuzz: Synapse ${state.version} seeded at ${state.baseUrl} in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    return { state, seed, stop };
  } catch (error) {
    // Synapse runs detached: one that started but failed its seeding would otherwise outlive the run.
    await stop().catch(() => undefined);
    throw error;
  }
}
