// `npm run test:e2e:matrix`: the whole e2e suite once per Synapse of the matrix (internal/matrix-report.ts), one
// Synapse at a time, each stopped afterwards; prints a table of the runs and of the behaviours that differ.
// `--summary <file>` writes the totals in vitest's JSON fields for .ci/run; `--only 1.92.3,1.163.2/postgres` picks runs.
// Exits 1 when a test failed or a Synapse could not start.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runningBehaviour } from '../../test/e2e/support/versions.ts';
import type { FileResult } from '../ci/totals.ts';
import {
  didNotRun, differenceRows, matrixTotals, outcomeRows, selectMatrixRuns, type RunOutcome,
} from './internal/matrix-report.ts';
import { runLabel, runPaths, type SynapseRun } from './paths.ts';

const projectRoot = resolve(import.meta.dirname, '..', '..');
const synapseRoot = resolve(projectRoot, process.env.SYNAPSE_HOME ?? '.synapse');

/** Runs `args` with node in the project, this run's SYNAPSE_VERSION and SYNAPSE_DATABASE set, output passed through. */
function runNode(run: SynapseRun, args: string[]): Promise<number> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, SYNAPSE_VERSION: run.version, SYNAPSE_DATABASE: run.database },
    });
    child.on('error', () => resolveRun(127));
    child.on('close', (code) => resolveRun(code ?? 1));
  });
}

/** vitest's counts from its JSON report, if it wrote one, and its failed files, each test named with the run's label. */
function readCounts(file: string, label: string): Pick<RunOutcome, 'passed' | 'failed' | 'total'> & { failedFiles: FileResult[] } {
  if (!existsSync(file)) return { failedFiles: [] };
  const report = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numTotalTests: number; testResults?: FileResult[] };
  const failedFiles = (report.testResults ?? []).filter((result) => result.status === 'failed').map((result) => ({
    ...result,
    assertionResults: result.assertionResults?.map((test) => ({ ...test, fullName: `[Synapse ${label}] ${test.fullName}` })),
  }));
  return { passed: report.numPassedTests, failed: report.numFailedTests, total: report.numTotalTests, failedFiles };
}

/** Lines in the run's comparison log (test/e2e/support/compare.ts writes one per comparison). */
function countComparisons(run: SynapseRun): number {
  const log = runPaths(run, synapseRoot).comparisons;
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** The suite against one Synapse, which is stopped afterwards whatever happened. */
async function runSuite(run: SynapseRun, reports: string): Promise<RunOutcome & { failedFiles: FileResult[] }> {
  const label = runLabel(run);
  const report = join(reports, `${label.replace('/', '-')}.json`);
  console.error(`\ne2e matrix: Synapse ${label}`);
  const startedAt = performance.now();
  await rm(runPaths(run, synapseRoot).comparisons, { force: true });
  const vitest = resolve(projectRoot, 'node_modules', 'vitest', 'vitest.mjs');
  const exitCode = await runNode(run, [
    vitest, 'run', '--config', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`,
  ]);
  await runNode(run, ['scripts/synapse/down.ts']);
  const outcome = { run, ...readCounts(report, label), comparisons: countComparisons(run), seconds: (performance.now() - startedAt) / 1000, exitCode };
  console.error(`e2e matrix: Synapse ${label} ${didNotRun(outcome) ? 'could not run the suite' : `${outcome.passed} passed, ${outcome.failed} failed`} in ${outcome.seconds.toFixed(0)} s`);
  return outcome;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { summary: { type: 'string' }, only: { type: 'string' } } });
  const runs = selectMatrixRuns(values.only);
  const reports = await mkdtemp(join(tmpdir(), 'e2e-matrix-'));
  const startedAt = performance.now();
  const outcomes: Array<RunOutcome & { failedFiles: FileResult[] }> = [];
  for (const run of runs) outcomes.push(await runSuite(run, reports));
  await rm(reports, { recursive: true, force: true });
  const totals = matrixTotals(outcomes);
  const seconds = (performance.now() - startedAt) / 1000;
  console.log(['', 'e2e matrix', ...outcomeRows(outcomes), '', 'Where the runs differ (test/e2e/support/versions.ts)'].join('\n'));
  console.log(differenceRows(runs, (version, database) => ({ ...runningBehaviour({ version, database }) })).join('\n'));
  console.log(`\ne2e matrix: ${outcomes.length} runs in ${seconds.toFixed(0)} s`);
  if (values.summary !== undefined) {
    // testResults: the failed files of every run, so that .ci/run names the failed tests as for its other steps.
    const runsSummary = outcomes.map(({ failedFiles: _failedFiles, ...outcome }) => ({ ...outcome, run: runLabel(outcome.run) }));
    const testResults = outcomes.flatMap((outcome) => outcome.failedFiles);
    await writeFile(values.summary, `${JSON.stringify({ ...totals, seconds, runs: runsSummary, testResults }, null, 2)}\n`);
  }
  for (const outcome of outcomes.filter(didNotRun)) console.error(`e2e matrix: Synapse ${runLabel(outcome.run)} could not start or ran no test: see above`);
  console.log(`${totals.numPassedTests} passed, ${totals.numFailedTests} failed`);
  process.exitCode = totals.numFailedTests === 0 ? 0 : 1;
}
