// Runs `schemathesis run` against the facade with the written config; its console output goes to .fuzz/schemathesis.log.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { FUZZ_CHECKS, TOKEN_ENV } from './config.ts';
import { FuzzSetupError } from './errors.ts';
import { fuzzPaths } from './paths.ts';

export interface SchemathesisRun {
  exitCode: number;
  /** True when the run hit `timeoutMs` and was killed. */
  timedOut: boolean;
  /** schemathesis's JSON report: case count, running time, errors. */
  report: { running_time: number; test_cases: { generated: number }; errors?: unknown[] };
}

export interface SchemathesisOptions {
  executable: string;
  configPath: string;
  /** Base URL of the facade, e.g. http://127.0.0.1:PORT. */
  facadeUrl: string;
  /** Sent only through the environment (the config reads it), never on a command line. */
  adminToken: string;
  /** Hard bound on the whole run (default 8 min); schemathesis is killed past it. */
  timeoutMs?: number;
  /** Aborting (SIGINT/SIGTERM of the harness) kills schemathesis, so the caller can still stop what it started. */
  signal?: AbortSignal;
}

/** The command as a human reruns it (the token comes from $FUZZ_ADMIN_TOKEN, FUZZ_TARGETS from .fuzz/targets.json). */
export function schemathesisArgs(configPath: string, facadeUrl: string): string[] {
  return [
    '--config-file', configPath, 'run', `${facadeUrl}/_facade/openapi.json`, '--url', facadeUrl,
    '--checks', FUZZ_CHECKS.join(','), '--report', 'json,ndjson',
    '--report-json-path', fuzzPaths.jsonReport, '--report-ndjson-path', fuzzPaths.ndjsonReport, '--no-color',
  ];
}

/** Runs schemathesis to completion; throws FuzzSetupError when it cannot start or leaves no JSON report. */
export async function runSchemathesis(options: SchemathesisOptions): Promise<SchemathesisRun> {
  const { executable, configPath, facadeUrl, adminToken, timeoutMs = 480_000, signal } = options;
  if (signal?.aborted) throw new FuzzSetupError('interrupted before schemathesis started');
  await rm(fuzzPaths.reportDir, { recursive: true, force: true });
  await mkdir(fuzzPaths.reportDir, { recursive: true });
  const logFd = openSync(fuzzPaths.schemathesisLog, 'w');
  let timedOut = false;
  const exitCode = await new Promise<number>((resolveExit, reject) => {
    const child = spawn(executable, schemathesisArgs(configPath, facadeUrl), {
      cwd: fuzzPaths.root,
      env: {
        ...process.env,
        [TOKEN_ENV]: adminToken,
        FUZZ_TARGETS: fuzzPaths.targets,
        FUZZ_HOOKS_REPORT: fuzzPaths.hooksReport,
        PYTHONUNBUFFERED: '1',
        // hooks.py is loaded from scripts/fuzz/: no __pycache__ beside it in the work tree.
        PYTHONDONTWRITEBYTECODE: '1',
      },
      stdio: ['ignore', logFd, logFd],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const interrupt = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', interrupt, { once: true });
    child.on('error', (error) => reject(new FuzzSetupError(`cannot run ${executable}: ${error.message}`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', interrupt);
      resolveExit(code ?? 1);
    });
  }).finally(() => closeSync(logFd));
  let report: SchemathesisRun['report'];
  try {
    report = JSON.parse(await readFile(fuzzPaths.jsonReport, 'utf8')) as SchemathesisRun['report'];
  } catch {
    const log = await readFile(fuzzPaths.schemathesisLog, 'utf8').catch(() => '');
    throw new FuzzSetupError(`schemathesis exited ${exitCode}${timedOut ? ' (timed out)' : ''} without a report:\n${log.slice(-4000)}`);
  }
  return { exitCode, timedOut, report };
}
