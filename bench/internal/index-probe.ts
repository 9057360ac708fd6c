// The index benchmark's instruments: timed requests (median of runs), streamed downloads, and a child's resident
// memory read from /proc, so measuring never runs code inside the facade being measured.
import { readFileSync, writeFileSync } from 'node:fs';

/** One timed endpoint: the median and the worst of its runs, and what its first answer said. */
export interface Timing {
  p50Ms: number;
  maxMs: number;
  runs: number;
  status: number;
  /** The first answer's JSON body (undefined when it was not JSON). */
  body?: Record<string, unknown>;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;
const round = (ms: number): number => Math.round(ms * 10) / 10;

/** GETs `url` `warmups + runs` times in sequence; only the last `runs` count. Time is to the last byte. */
export async function timeGet(url: string, headers: Record<string, string>, { runs, warmups = 2 }: { runs: number; warmups?: number }): Promise<Timing> {
  const times: number[] = [];
  let first: { status: number; text: string } | undefined;
  for (let run = 0; run < warmups + runs; run++) {
    const started = performance.now();
    const response = await fetch(url, { headers });
    const text = await response.text();
    const elapsed = performance.now() - started;
    first ??= { status: response.status, text };
    if (run >= warmups) times.push(elapsed);
  }
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(first?.text ?? '') as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  return { p50Ms: round(median(times)), maxMs: round(Math.max(...times)), runs, status: first?.status ?? 0, body };
}

/** One download streamed to the end without keeping it: its time, size and line count. */
export interface Download {
  ms: number;
  status: number;
  bytes: number;
  lines: number;
  contentType: string | null;
}

/** Streams `url` to its end, counting bytes and newlines (the client keeps nothing, as a pipe to a file would). */
export async function download(url: string, headers: Record<string, string>): Promise<Download> {
  const started = performance.now();
  const response = await fetch(url, { headers });
  let bytes = 0;
  let lines = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      bytes += chunk.byteLength;
      for (const byte of chunk) if (byte === 0x0a) lines += 1;
    }
  }
  return { ms: round(performance.now() - started), status: response.status, bytes, lines, contentType: response.headers.get('content-type') };
}

/** Times `runs` downloads; the median one is returned with the median time. */
export async function timeDownload(url: string, headers: Record<string, string>, runs: number): Promise<Download & { p50Ms: number; maxMs: number }> {
  const results: Download[] = [];
  for (let run = 0; run < runs; run++) results.push(await download(url, headers));
  const sorted = [...results].sort((a, b) => a.ms - b.ms);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)] ?? results[0]!;
  return { ...middle, p50Ms: middle.ms, maxMs: sorted.at(-1)?.ms ?? middle.ms };
}

/** A process's resident memory now and its peak, in MB (Linux /proc); undefined elsewhere. */
export interface Resident {
  rssMb: number;
  /** The peak since the process started, or since the last resetPeak. */
  peakMb: number;
}

export function residentOf(pid: number): Resident | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return undefined;
  }
}

/** Restarts the peak (VmHWM) count of a process we own (Linux ≥ 4.0: clear_refs 5); false when impossible. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
