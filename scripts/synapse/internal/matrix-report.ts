// The e2e matrix's pure parts: which runs it makes, the totals it writes for .ci/run (vitest's count fields), and
// the table it prints: one row per run, then the behaviours that differ between the releases and databases.
import { runLabel, SYNAPSE_VERSION, type SynapseDatabase, type SynapseRun } from '../paths.ts';

/** The pinned release, one about a year older, the newest before 1.93's task scheduler, and the pinned on PostgreSQL. */
export const MATRIX_RUNS: readonly SynapseRun[] = [
  { version: SYNAPSE_VERSION, database: 'sqlite' },
  { version: '1.144.0', database: 'sqlite' },
  { version: '1.92.3', database: 'sqlite' },
  { version: SYNAPSE_VERSION, database: 'postgres' },
];

/**
 * The runs named by `--only 1.92.3,1.163.2/postgres` (a bare version means its SQLite run), in matrix order;
 * all of them without it. Throws on a name that is not in the matrix.
 */
export function selectMatrixRuns(only: string | undefined, runs: readonly SynapseRun[] = MATRIX_RUNS): SynapseRun[] {
  if (only === undefined || only.trim() === '') return [...runs];
  const wanted = only.split(',').map((name) => name.trim()).filter(Boolean).map((name) => (name.includes('/') ? name : `${name}/sqlite`));
  const unknown = wanted.filter((name) => !runs.some((run) => runLabel(run) === name));
  if (unknown.length > 0) throw new Error(`not in the matrix: ${unknown.join(', ')} (runs: ${runs.map(runLabel).join(', ')})`);
  return runs.filter((run) => wanted.includes(runLabel(run)));
}

/** What one run of the suite came to. */
export interface RunOutcome {
  run: SynapseRun;
  /** From vitest's JSON report; undefined when the suite did not get as far as writing one. */
  passed?: number;
  failed?: number;
  total?: number;
  /** Synapse-vs-facade comparisons the run made (answers plus validation errors). */
  comparisons: number;
  seconds: number;
  exitCode: number;
}

/** A run that wrote no report, ran no test, or exited non-zero without a failed test: Synapse could not start. */
export const didNotRun = (outcome: RunOutcome): boolean =>
  outcome.total === undefined || outcome.total === 0 || (outcome.exitCode !== 0 && (outcome.failed ?? 0) === 0);

/** Totals across the runs in vitest's field names; a run that did not run counts as one failed test. */
export function matrixTotals(outcomes: readonly RunOutcome[]) {
  const numPassedTests = outcomes.reduce((sum, outcome) => sum + (outcome.passed ?? 0), 0);
  const numFailedTests = outcomes.reduce((sum, outcome) => sum + (outcome.failed ?? 0) + (didNotRun(outcome) ? 1 : 0), 0);
  return { numPassedTests, numFailedTests, numTotalTests: numPassedTests + numFailedTests };
}

/** Lines of a table whose columns are as wide as their widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** One row per run: passed, failed, comparisons, time. */
export function outcomeRows(outcomes: readonly RunOutcome[]): string[] {
  return formatTable(
    ['Synapse', 'passed', 'failed', 'comparisons', 'time'],
    outcomes.map((outcome) => [
      runLabel(outcome.run),
      didNotRun(outcome) ? '-' : String(outcome.passed),
      didNotRun(outcome) ? 'did not run' : String(outcome.failed),
      String(outcome.comparisons),
      `${outcome.seconds.toFixed(0)} s`,
    ]),
  );
}

/** A short text for one table value: lists joined, lists of rules counted, records of records by their keys. */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.every((item) => typeof item === 'string') ? value.join(', ') : `${value.length} rules`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? 'none' : entries.every(([, inner]) => typeof inner !== 'object' || Array.isArray(inner))
      ? entries.map(([key, inner]) => `${key}: ${describeValue(inner)}`).join('; ')
      : entries.map(([key]) => key).join('; ');
  }
  return String(value);
}

/**
 * The behaviours that differ between the runs, one line each with every run's value: `behaviourOf` gives a run's
 * row of the expectations table (test/e2e/support/versions.ts) as nested records.
 */
export function differenceRows(runs: readonly SynapseRun[], behaviourOf: (version: string, database: SynapseDatabase) => Record<string, unknown>): string[] {
  const flat = runs.map((run) => flatten(behaviourOf(run.version, run.database)));
  const keys = [...new Set(flat.flatMap((entries) => Object.keys(entries)))];
  const differing = keys.filter((key) => new Set(flat.map((entries) => describeValue(entries[key]))).size > 1);
  return formatTable(['behaviour', ...runs.map(runLabel)], differing.map((key) => [key, ...flat.map((entries) => describeValue(entries[key]))]));
}

/** `{ a: { b: 1 } }` → `{ 'a.b': 1 }`, stopping at arrays and at records of records (described as counts). */
function flatten(record: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const name = `${prefix}${key}`;
    const nested = value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof RegExp);
    if (nested && Object.keys(value).length > 0 && Object.values(value).every((inner) => inner === null || typeof inner !== 'object' || Array.isArray(inner))) {
      Object.assign(out, flatten(value as Record<string, unknown>, `${name}.`));
    } else out[name] = value;
  }
  return out;
}
