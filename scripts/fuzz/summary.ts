// The fuzz run's verdict: one test per operation × check, written as JSON for .ci/run and printed for a human.
import { writeFile } from 'node:fs/promises';
import { FUZZ_CHECKS } from './config.ts';
import { escapeControls } from './curl.ts';
import type { EventTally, FailureGroup } from './report.ts';

export interface FuzzSummary {
  /** Field names as in vitest's JSON report, so .ci/run adds all suites up the same way. */
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  /** What one test is: an operation × check pair passes when the check ran on it and never failed. */
  testUnit: 'operation × check';
  schemathesisVersion: string;
  synapseVersion: string;
  seed: number;
  maxExamples: number;
  /** Test cases schemathesis generated and sent, and its own running time. */
  cases: number;
  seconds: number;
  /** The whole step: install check, Synapse start and seed, victims, schemathesis, shutdown. */
  totalSeconds: number;
  operations: { operation: string; checks: Record<string, { runs: number; failures: number }> }[];
  failures: FailureGroup[];
  /** Things that kept schemathesis from running something; each counts as one failed test. */
  errors: string[];
  /** DELETEs hooks.py sent to a victim instead of a seeded room, or of a room deleted already. */
  deleteGuardRewrites: number;
  /**
   * Failures hooks.py dropped, by operation and text: Synapse's state-dependent 400s to well-formed requests, and
   * the facade's refusals of cursors and confirm tokens it did not mint.
   */
  stateRefusals: Record<string, number>;
  /** Node process warnings the facade printed during the run: reported for a human, not counted as failures. */
  facadeWarnings: string[];
}

export interface SummaryInputs {
  operations: string[];
  tally: EventTally;
  cases: number;
  seconds: number;
  /** Errors from schemathesis's JSON report, and harness findings such as a non-zero exit with no failure. */
  errors: string[];
  deleteGuardRewrites: number;
  stateRefusals: Record<string, number>;
  versions: { schemathesis: string; synapse: string };
  settings: { seed: number; maxExamples: number };
}

/** Every documented operation gets every check, so an operation schemathesis skipped counts as failed. */
export function summarise(inputs: SummaryInputs): FuzzSummary {
  const { operations, tally, cases, seconds, errors, deleteGuardRewrites, stateRefusals, versions, settings } = inputs;
  let passed = 0;
  let failed = 0;
  const perOperation = operations.map((operation) => {
    const tallied = tally.checks.get(operation);
    const checks: Record<string, { runs: number; failures: number }> = {};
    for (const check of FUZZ_CHECKS) {
      const counts = tallied?.get(check) ?? { runs: 0, failures: 0 };
      checks[check] = counts;
      if (counts.runs > 0 && counts.failures === 0) passed += 1;
      else failed += 1;
    }
    return { operation, checks };
  });
  const allErrors = [...tally.errors, ...errors];
  failed += allErrors.length;
  return {
    numTotalTests: passed + failed, numPassedTests: passed, numFailedTests: failed, testUnit: 'operation × check',
    schemathesisVersion: versions.schemathesis, synapseVersion: versions.synapse, seed: settings.seed,
    maxExamples: settings.maxExamples, cases, seconds, totalSeconds: seconds, operations: perOperation, failures: tally.failures,
    errors: allErrors, deleteGuardRewrites, stateRefusals, facadeWarnings: [],
  };
}

function failureLines(failure: FailureGroup): string[] {
  const answer = failure.status === null ? 'no answer' : `${failure.status}${failure.errcode === null ? '' : ` ${failure.errcode}`}`;
  return [
    `fuzz: FAIL ${failure.operation} — ${failure.check} (${failure.code} ${failure.title}): ${answer}, ${failure.cases} case(s)`,
    ...(failure.body === '' ? [] : [`        answer: ${escapeControls(failure.body).slice(0, 300)}`]),
    `        ${failure.curl}`,
  ];
}

function warningLines(warnings: string[]): string[] {
  const distinct = [...new Set(warnings.map((line) => line.replace(/^\(node:\d+\) /, '')))];
  return distinct.map((warning) => {
    const count = warnings.filter((line) => line.endsWith(warning)).length;
    return `fuzz: facade warning (${count}×, not counted): ${warning.slice(0, 300)}`;
  });
}

/** The summary as lines for the console: totals, pairs that never ran, and each failure with its curl. */
export function formatSummary(summary: FuzzSummary): string[] {
  const lines = [
    `fuzz: ${summary.cases} cases in ${summary.seconds.toFixed(1)} s, ${summary.totalSeconds.toFixed(1)} s with set-up ` +
      `(schemathesis ${summary.schemathesisVersion}, seed ${summary.seed}, ${summary.maxExamples} examples per operation, ` +
      `Synapse ${summary.synapseVersion})`,
    `fuzz: ${summary.deleteGuardRewrites} DELETEs redirected to victim rooms (scripts/fuzz/hooks.py)`,
  ];
  for (const [refusal, count] of Object.entries(summary.stateRefusals)) {
    const whose = refusal.includes(' /_facade/') ? "the facade's refusal of a value it did not mint, or of a state" : "Synapse's state-dependent 400";
    lines.push(`fuzz: not counted, ${whose} (${count}×): ${refusal}`);
  }
  for (const { operation, checks } of summary.operations) {
    const neverRan = Object.entries(checks).filter(([, counts]) => counts.runs === 0).map(([check]) => check);
    if (neverRan.length > 0) lines.push(`fuzz: NEVER RAN ${operation}: ${neverRan.join(', ')}`);
  }
  lines.push(...summary.failures.flatMap(failureLines));
  lines.push(...summary.errors.map((error) => `fuzz: ERROR ${escapeControls(error)}`));
  lines.push(...warningLines(summary.facadeWarnings));
  lines.push(`fuzz: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed`);
  return lines;
}

/** `text` with every occurrence of `secret` (the admin token) replaced: a last line of defence for what is printed. */
export function redact(text: string, secret: string): string {
  return secret === '' ? text : text.replaceAll(secret, '[redacted]');
}

/** Writes the summary, redacted. */
export async function writeSummary(path: string, summary: FuzzSummary, secret: string): Promise<void> {
  await writeFile(path, `${redact(JSON.stringify(summary, null, 2), secret)}\n`);
}
