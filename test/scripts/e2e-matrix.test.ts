// The e2e matrix's runs, totals for .ci/run and its printed tables.
import { describe, expect, it } from 'vitest';
import {
  didNotRun, differenceRows, formatTable, MATRIX_RUNS, matrixTotals, outcomeRows, selectMatrixRuns, type RunOutcome,
} from '../../scripts/synapse/internal/matrix-report.ts';
import { SYNAPSE_VERSION } from '../../scripts/synapse/paths.ts';
import { RELEASES, runningBehaviour } from '../e2e/support/versions.ts';

const outcome = (version: string, counts: Partial<RunOutcome>): RunOutcome => ({
  run: { version, database: 'sqlite' }, comparisons: 0, seconds: 60, exitCode: 0, ...counts,
});

describe('the matrix runs', () => {
  it('has the pinned release, two older ones on SQLite and the pinned one on PostgreSQL, each in the expectations table', () => {
    expect(MATRIX_RUNS.map((run) => `${run.version}/${run.database}`))
      .toStrictEqual([`${SYNAPSE_VERSION}/sqlite`, '1.144.0/sqlite', '1.92.3/sqlite', `${SYNAPSE_VERSION}/postgres`]);
    for (const run of MATRIX_RUNS) expect(Object.keys(RELEASES)).toContain(run.version);
  });

  it('--only picks runs by name, a bare version meaning SQLite, in matrix order', () => {
    expect(selectMatrixRuns(undefined)).toStrictEqual([...MATRIX_RUNS]);
    expect(selectMatrixRuns(`${SYNAPSE_VERSION}/postgres, 1.92.3`)).toStrictEqual([MATRIX_RUNS[2], MATRIX_RUNS[3]]);
    expect(() => selectMatrixRuns('1.0.0')).toThrow(/not in the matrix: 1\.0\.0\/sqlite/);
  });
});

describe('the totals', () => {
  it('add the runs up in vitest’s fields', () => {
    const totals = matrixTotals([outcome('a', { passed: 125, failed: 0, total: 125 }), outcome('b', { passed: 120, failed: 5, total: 125, exitCode: 1 })]);
    expect(totals).toStrictEqual({ numPassedTests: 245, numFailedTests: 5, numTotalTests: 250 });
  });

  it('count a Synapse that could not start (no report, or no test, or a crash with nothing failed) as one failure', () => {
    const noReport = outcome('a', { exitCode: 1 });
    const noTests = outcome('b', { passed: 0, failed: 0, total: 0 });
    const crashed = outcome('c', { passed: 3, failed: 0, total: 3, exitCode: 1 });
    expect([noReport, noTests, crashed].map(didNotRun)).toStrictEqual([true, true, true]);
    expect(matrixTotals([noReport, noTests, crashed])).toStrictEqual({ numPassedTests: 3, numFailedTests: 3, numTotalTests: 6 });
    expect(didNotRun(outcome('d', { passed: 1, failed: 1, total: 2, exitCode: 1 }))).toBe(false);
  });
});

describe('the tables', () => {
  it('pads every column to its widest cell', () => {
    expect(formatTable(['a', 'bb'], [['ccc', 'd']])).toStrictEqual(['a    bb', '---  --', 'ccc  d']);
  });

  it('one row per run, and a run that did not run says so', () => {
    const rows = outcomeRows([outcome('1.92.3', { passed: 125, failed: 0, total: 125, comparisons: 846, seconds: 95.2 }), outcome('1.144.0', { exitCode: 1 })]);
    expect(rows[2]).toMatch(/^1\.92\.3\/sqlite\s+125\s+0\s+846\s+95 s$/);
    expect(rows[3]).toMatch(/^1\.144\.0\/sqlite\s+-\s+did not run\s+0\s+60 s$/);
  });

  it('lists only the behaviours that differ, with each run’s value', () => {
    const rows = differenceRows(MATRIX_RUNS, (version, database) => ({ ...runningBehaviour({ version, database }) }));
    const byName = Object.fromEntries(rows.slice(2).map((row) => [row.split(/\s{2,}/)[0], row]));
    expect(byName.defaultRoomVersion).toMatch(/^defaultRoomVersion\s+12\s+10\s+10\s+12$/);
    expect(byName['deleteTasks.store']).toMatch(/scheduled_tasks\s+scheduled_tasks\s+memory\s+scheduled_tasks$/);
    expect(byName.unnamedRoomsByName).toMatch(/first\s+first\s+first\s+last$/);
    expect(byName.notCrashing).toMatch(/^notCrashing\s+none\s+none\s+none\s+timestamp_to_event: ts beyond 2\^63 − 1; messages: /);
    expect(Object.keys(byName)).not.toContain('booleans');
  });
});
