// .ci/run's totals: the counts over the steps' reports, and a line naming every failed test, so that the tail
// of CI's output says which test failed (stop 29's CI said "3611 passed, 1 failed" and nothing more).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { totals } from '../../scripts/ci/totals.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function reportFile(content: unknown): { root: string; file: string } {
  const root = mkdtempSync(join(tmpdir(), 'ci-totals-'));
  folders.push(root);
  const file = join(root, 'report.json');
  writeFileSync(file, JSON.stringify(content));
  return { root, file };
}

describe('the totals of a CI run', () => {
  it('names each failed test with its file and the first line of why, without colour codes', () => {
    const { root, file } = reportFile({
      numPassedTests: 3, numFailedTests: 1, numTotalTests: 4,
      testResults: [
        { name: '/x/test/a.test.ts', status: 'passed', assertionResults: [{ fullName: 'a works', status: 'passed' }] },
        {
          name: '/x/test/b.test.ts', status: 'failed', assertionResults: [
            { fullName: 'b ends in time', status: 'failed', failureMessages: ['\n\u001b[31mAssertionError: expected 3100 to be less than 3000\u001b[39m\n    at b.test.ts:10'] },
            { fullName: 'b answers', status: 'passed' },
          ],
        },
      ],
    });
    const result = totals([{ step: 'unit', file }], { root: join(root, '..') });
    expect(result).toMatchObject({ passed: 3, failed: 1 });
    expect(result.failures).toEqual([`unit: ${join('..', 'x', 'test', 'b.test.ts')} > b ends in time: AssertionError: expected 3100 to be less than 3000`]);
  });

  it('names a file that failed outside its tests, which counts no failed test of its own', () => {
    const { file } = reportFile({
      numPassedTests: 0, numFailedTests: 0, numTotalTests: 2,
      testResults: [{ name: '/x/test/c.test.ts', status: 'failed', message: 'Hook timed out in 10000ms.', assertionResults: [] }],
    });
    expect(totals([{ step: 'replicas', file }], { root: '/x' }).failures).toEqual(['replicas: test/c.test.ts failed outside its tests: Hook timed out in 10000ms.']);
  });

  it('counts a missing report and one that counted no test as a failed test each, and says which step', () => {
    const { file } = reportFile({ numPassedTests: 0, numFailedTests: 0, numTotalTests: 0 });
    const result = totals([{ step: 'fuzz', file }, { step: 'e2e', file: '/nowhere/e2e.json' }]);
    expect(result).toMatchObject({ passed: 0, failed: 2 });
    expect(result.failures).toEqual(['fuzz: counted no test', 'e2e: its report /nowhere/e2e.json is missing: that step did not run']);
  });

  it('sums the counts over the steps, the fuzz summary having counts only', () => {
    const unit = reportFile({ numPassedTests: 10, numFailedTests: 0, numTotalTests: 10, testResults: [] });
    const fuzz = reportFile({ numPassedTests: 5, numFailedTests: 2, numTotalTests: 7 });
    expect(totals([{ step: 'unit', file: unit.file }, { step: 'fuzz', file: fuzz.file }])).toEqual({ passed: 15, failed: 2, failures: [] });
  });

  it('cuts a long reason at 240 characters', () => {
    const { file } = reportFile({
      numPassedTests: 0, numFailedTests: 1, numTotalTests: 1,
      testResults: [{ name: '/x/d.test.ts', status: 'failed', assertionResults: [{ fullName: 'd', status: 'failed', failureMessages: ['y'.repeat(500)] }] }],
    });
    const [line] = totals([{ step: 'unit', file }], { root: '/x' }).failures;
    expect(line).toBe(`unit: d.test.ts > d: ${'y'.repeat(240)}…`);
  });
});
