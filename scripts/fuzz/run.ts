// `npm run test:fuzz`: schemathesis against the facade in front of a fresh pinned Synapse; fails on any failure.
import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { SynapseState } from '../synapse/state.ts';
import { writeSchemathesisConfig, type FuzzRunSettings } from './config.ts';
import { FuzzSetupError } from './errors.ts';
import { facadeWarnings, startFacadeProcess } from './facade.ts';
import { SCHEMATHESIS_VERSION, fuzzPaths } from './paths.ts';
import { readEvents } from './report.ts';
import { runSchemathesis } from './schemathesis.ts';
import { formatSummary, redact, summarise, writeSummary, type FuzzSummary } from './summary.ts';
import { startFuzzSynapse } from './synapse.ts';
import { deletedSeededRooms, prepareTargets, type FuzzTargets } from './targets.ts';
import { ensureSchemathesis } from './venv.ts';

/**
 * Fixed seed; 100 examples per operation (about 4,100 cases) keep the whole step, Synapse start and seed included,
 * near 1.5 minutes on a quiet 2-core machine and about 3.5 under heavy load (measured 92 s and 200 s).
 * One worker: with two threads, CPython 3.11.7's `ast` module (used in schemathesis's coverage phase) now and then
 * raised "AST constructor recursion depth mismatch" (CPython gh-106905), and a second worker buys little when
 * Synapse and the facade share the same two cores.
 * FUZZ_SEED, FUZZ_MAX_EXAMPLES and FUZZ_WORKERS override them.
 */
const DEFAULTS: FuzzRunSettings = { seed: 20_261_011, maxExamples: 100, workers: 1 };

function settingsFromEnv(env: NodeJS.ProcessEnv): FuzzRunSettings {
  const integer = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < 1) throw new FuzzSetupError(`${name} must be a positive integer, got "${value}"`);
    return parsed;
  };
  return {
    seed: integer('FUZZ_SEED', DEFAULTS.seed),
    maxExamples: integer('FUZZ_MAX_EXAMPLES', DEFAULTS.maxExamples),
    workers: integer('FUZZ_WORKERS', DEFAULTS.workers),
  };
}

/** "METHOD /path" of every operation in the facade's OpenAPI document: the list every check must cover. */
async function documentedOperations(facadeUrl: string): Promise<string[]> {
  const response = await fetch(`${facadeUrl}/_facade/openapi.json`);
  if (!response.ok) throw new FuzzSetupError(`GET /_facade/openapi.json answered ${response.status}`);
  const document = (await response.json()) as { paths?: Record<string, Record<string, unknown>> };
  const methods = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.keys(item).filter((key) => methods.has(key)).map((method) => `${method.toUpperCase()} ${path}`));
}

/** What hooks.py did: DELETEs it redirected and state-dependent refusals it dropped (by operation and text). */
async function hooksReport(): Promise<{ rewritten: number; dropped: Record<string, number> }> {
  try {
    const report = JSON.parse(await readFile(fuzzPaths.hooksReport, 'utf8')) as { rewritten: unknown[]; dropped: Record<string, number> };
    return { rewritten: report.rewritten.length, dropped: report.dropped };
  } catch {
    throw new FuzzSetupError(`hooks.py left no ${fuzzPaths.hooksReport}: were the hooks loaded?`);
  }
}

interface FacadeRun {
  executable: string;
  facadeUrl: string;
  synapse: SynapseState;
  targets: FuzzTargets;
  settings: FuzzRunSettings;
  log: (line: string) => void;
  signal: AbortSignal;
}

/** Runs schemathesis against a running facade and turns its reports into the summary. */
async function fuzzFacade({ executable, facadeUrl, synapse, targets, settings, log, signal }: FacadeRun): Promise<FuzzSummary> {
  const operations = await documentedOperations(facadeUrl);
  const configPath = await writeSchemathesisConfig(targets, settings);
  log(`fuzz: schemathesis against ${facadeUrl} (${operations.length} operations; log ${fuzzPaths.schemathesisLog}, facade log ${fuzzPaths.facadeLog})`);
  const run = await runSchemathesis({ executable, configPath, facadeUrl, adminToken: synapse.adminToken, signal });
  const tally = await readEvents(fuzzPaths.ndjsonReport);
  const errors = (run.report.errors ?? []).map((error) => JSON.stringify(error).slice(0, 2000));
  if (run.timedOut) errors.push('schemathesis did not finish within its time bound and was killed');
  else if (run.exitCode !== 0 && tally.failures.length === 0 && errors.length === 0) {
    errors.push(`schemathesis exited ${run.exitCode} with no failure recorded (see ${fuzzPaths.schemathesisLog})`);
  }
  const deleted = await deletedSeededRooms(synapse, targets);
  if (deleted.length > 0) errors.push(`the DELETE guard let seeded rooms be deleted: ${deleted.join(', ')}`);
  const hooks = await hooksReport();
  return summarise({
    operations, tally, errors, cases: run.report.test_cases.generated, seconds: run.report.running_time,
    deleteGuardRewrites: hooks.rewritten, stateRefusals: hooks.dropped,
    versions: { schemathesis: SCHEMATHESIS_VERSION, synapse: synapse.version }, settings,
  });
}

/** Installs, starts, fuzzes, and always stops what it started. */
async function fuzz(settings: FuzzRunSettings, log: (line: string) => void, signal: AbortSignal): Promise<{ summary: FuzzSummary; token: string }> {
  const executable = await ensureSchemathesis({ log });
  const synapse = await startFuzzSynapse({ log });
  try {
    const targets = await prepareTargets(synapse.state, synapse.seed);
    const facade = await startFacadeProcess({ synapseUrl: synapse.state.baseUrl, serverName: synapse.state.serverName, adminToken: synapse.state.adminToken });
    try {
      const summary = await fuzzFacade({ executable, facadeUrl: facade.url, synapse: synapse.state, targets, settings, log, signal });
      return { summary, token: synapse.state.adminToken };
    } finally {
      await facade.stop();
    }
  } finally {
    await synapse.stop();
  }
}

if (import.meta.main) {
  const startedAt = Date.now();
  const { values } = parseArgs({ options: { summary: { type: 'string' } } });
  const summaryPath = resolve(values.summary ?? fuzzPaths.summary);
  // Ctrl-C or CI's SIGTERM stops schemathesis and then falls through the cleanup (facade, detached Synapse).
  const interrupted = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => interrupted.abort());
  try {
    await rm(summaryPath, { force: true });
    const { summary, token } = await fuzz(settingsFromEnv(process.env), console.error, interrupted.signal);
    summary.facadeWarnings = await facadeWarnings();
    summary.totalSeconds = (Date.now() - startedAt) / 1000;
    await writeSummary(summaryPath, summary, token);
    console.log(`fuzz: summary in ${summaryPath}`);
    for (const line of formatSummary(summary)) console.log(redact(line, token));
    process.exitCode = summary.numFailedTests === 0 ? 0 : 1;
  } catch (error) {
    // No summary is written, so .ci/run counts the fuzz step as a suite that did not run.
    console.error(error instanceof FuzzSetupError ? `fuzz: setup failed: ${error.message}` : error);
    process.exitCode = 2;
  }
}
