// vitest globalSetup for the e2e suite: bring a seeded Synapse up first; stop it afterwards only if we started it.
import type { TestProject } from 'vitest/node';
import { synapseDown } from '../../../scripts/synapse/down.ts';
import { synapseUp } from '../../../scripts/synapse/up.ts';
import { readSeed } from '../../../scripts/synapse/seed.ts';
import './synapse.ts';

/** Throws (failing the run) when Synapse cannot start; provides `synapse` and `synapseSeed` to `inject()`. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { state, started } = await synapseUp();
  project.provide('synapse', state);
  project.provide('synapseSeed', await readSeed());
  return async () => {
    if (started) await synapseDown();
  };
}
