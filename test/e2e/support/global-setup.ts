// vitest globalSetup for the e2e suite: bring a seeded Synapse up first; stop it afterwards only if we started it.
import { readFileSync, rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { synapseDown } from '../../../scripts/synapse/down.ts';
import { synapseUp } from '../../../scripts/synapse/up.ts';
import { readSeed } from '../../../scripts/synapse/seed.ts';
import { COMPARISON_LOG } from './comparison-log.ts';
import './synapse.ts';

/** Prints how many Synapse-vs-facade comparisons the run made, by kind. */
function reportComparisons(): void {
  let lines: string[];
  try {
    lines = readFileSync(COMPARISON_LOG, 'utf8').split('\n').filter(Boolean);
  } catch {
    lines = [];
  }
  const errors = lines.filter((line) => line.startsWith('error ')).length;
  console.log(`e2e: ${lines.length} Synapse-vs-facade comparisons (${lines.length - errors} answers, ${errors} validation errors)`);
}

/** Throws (failing the run) when Synapse cannot start; provides `synapse` and `synapseSeed` to `inject()`. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  rmSync(COMPARISON_LOG, { force: true });
  const { state, started } = await synapseUp();
  project.provide('synapse', state);
  project.provide('synapseSeed', await readSeed());
  return async () => {
    reportComparisons();
    if (started) await synapseDown();
  };
}
