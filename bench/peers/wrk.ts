// Load with wrk (C, one thread, pinned to the runner's core): a closed loop of `connections` for `durationS`,
// summarised by a Lua `done` hook as one JSON line. Paths can be fixed or numbered per request.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What one wrk run reports. */
export interface WrkRun {
  requests: number;
  reqPerS: number;
  p50Us: number;
  p99Us: number;
  /** Socket errors (connect, read, write, timeout) and answers outside 2xx/3xx. */
  errors: number;
  non2xx: number;
}

/** One load: where, how, and for how long. */
export interface WrkLoad {
  url: string;
  /** Default GET; a body is sent with every request. */
  method?: 'GET' | 'PUT';
  body?: string;
  headers?: Record<string, string>;
  /** `fixed` sends `url` every time; `numbered` appends 1, 2, 3… to it (each request its own key). */
  paths?: 'fixed' | 'numbered';
  connections: number;
  durationS: number;
  /** The core wrk runs on (taskset), when pinning. */
  core?: number;
}

const luaString = (value: string) => JSON.stringify(value);

function script({ method = 'GET', body, headers = {}, paths = 'fixed', url }: WrkLoad): string {
  const path = url.replace(/^https?:\/\/[^/]+/, '');
  const lines = [`wrk.method = ${luaString(method)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  if (body !== undefined) lines.push(`wrk.body = ${luaString(body)}`);
  if (paths === 'numbered') {
    lines.push('local counter = 0', 'request = function()', '  counter = counter + 1', `  return wrk.format(nil, ${luaString(path)} .. counter)`, 'end');
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'WRK {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"errors":%d,"non2xx":%d}\\n\',',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

/** True when wrk is on PATH. */
export async function hasWrk(): Promise<boolean> {
  try {
    await run('wrk', ['--version']);
    return true;
  } catch (error) {
    // wrk --version prints its banner and exits 1.
    return (error as { code?: unknown }).code === 1;
  }
}

/** Runs wrk once and returns its summary. */
export async function wrk(load: WrkLoad): Promise<WrkRun> {
  const dir = mkdtempSync(join(tmpdir(), 'facade-bench-wrk-'));
  try {
    const file = join(dir, 'load.lua');
    writeFileSync(file, script(load));
    const args = ['-t1', `-c${load.connections}`, `-d${load.durationS}s`, '--timeout', '5s', '-s', file, load.url];
    const command = load.core === undefined ? ['wrk', args] as const : ['taskset', ['-c', String(load.core), 'wrk', ...args]] as const;
    const { stdout } = await run(command[0], command[1], { maxBuffer: 1 << 20 });
    const line = stdout.split('\n').find((text) => text.startsWith('WRK '));
    if (line === undefined) throw new Error(`wrk printed no summary:\n${stdout}`);
    const summary = JSON.parse(line.slice(4)) as { requests: number; duration_us: number; p50_us: number; p99_us: number; errors: number; non2xx: number };
    return {
      requests: summary.requests,
      reqPerS: Math.round(summary.requests / (summary.duration_us / 1e6)),
      p50Us: summary.p50_us,
      p99Us: summary.p99_us,
      errors: summary.errors,
      non2xx: summary.non2xx,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
