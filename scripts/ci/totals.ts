// `.ci/run`'s totals: the passed and failed counts summed over the steps' JSON reports, and the name of every
// failed test with the first line of why, printed last so that the tail of CI's output (all a reader may get)
// says which test failed, not only how many.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** A test file's entry in vitest's JSON report, the fields the totals read. */
export interface FileResult {
  name: string;
  status: string;
  message?: string;
  assertionResults?: Array<{ fullName: string; status: string; failureMessages?: string[] }>;
}

/** The fields of a report the totals read; the fuzz step writes the counts only, the e2e matrix its failed files too. */
interface Report {
  numPassedTests: number;
  numFailedTests: number;
  numTotalTests: number;
  testResults?: FileResult[];
}

export interface Totals {
  passed: number;
  failed: number;
  /** One line per failed test or failed file: the report it came from, the file, the test, why. */
  failures: string[];
}

const WHY_LIMIT = 240;

/** The first non-empty line of a failure message, without colour codes, cut at 240 characters. */
function firstLine(message: string | undefined): string {
  // eslint-disable-next-line no-control-regex -- vitest colours its messages with ANSI escapes
  const line = (message ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((part) => part.trim() !== '')?.trim() ?? '';
  return line.length > WHY_LIMIT ? `${line.slice(0, WHY_LIMIT)}…` : line;
}

/**
 * Sums the reports of `files`; a missing report, or one that counted no test at all, is one failed test (that
 * step did not run). `step` names each report in the failure lines; `root` shortens the files' paths.
 */
export function totals(files: Array<{ step: string; file: string }>, { root = process.cwd() }: { root?: string } = {}): Totals {
  const result: Totals = { passed: 0, failed: 0, failures: [] };
  for (const { step, file } of files) {
    if (!existsSync(file)) {
      result.failed += 1;
      result.failures.push(`${step}: its report ${file} is missing: that step did not run`);
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    result.passed += report.numPassedTests;
    result.failed += report.numFailedTests + (report.numTotalTests === 0 ? 1 : 0);
    if (report.numTotalTests === 0) result.failures.push(`${step}: counted no test`);
    for (const testFile of report.testResults ?? []) {
      const name = relative(root, testFile.name);
      const failedTests = (testFile.assertionResults ?? []).filter((test) => test.status === 'failed');
      for (const test of failedTests) result.failures.push(`${step}: ${name} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
      // A file that failed outside any test (an import, a beforeAll) counts no failed test of its own.
      if (testFile.status === 'failed' && failedTests.length === 0) result.failures.push(`${step}: ${name} failed outside its tests: ${firstLine(testFile.message)}`);
    }
  }
  return result;
}

if (import.meta.main) {
  // Arguments: step=file pairs, e.g. unit=/tmp/x/unit.json.
  const files = process.argv.slice(2).map((argument) => {
    const at = argument.indexOf('=');
    return { step: argument.slice(0, at), file: argument.slice(at + 1) };
  });
  const { passed, failed, failures } = totals(files);
  // On standard output, the counts last: .ci/run prints the lines before them and reads the last one.
  for (const failure of failures) console.log(`CI: failed: ${failure}`);
  console.log(`${passed} ${failed}`);
}
