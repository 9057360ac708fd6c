// The benchmark's output: a plain-text table on stdout and the full results as JSON under bench/results/.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ProfileSummary } from './internal/cpu-profile.ts';
import type { PeerRow } from './peers/side-by-side.ts';

/** One line of the table; undefined cells print as "–". */
export interface ResultRow {
  id: string;
  title: string;
  p50Ms?: number;
  p99Ms?: number;
  facadeCpuUsPerReq?: number;
  upstreamRequests?: number;
  /** X-Facade-Cache values, e.g. "hit 51234" or "n/a" when the facade sent none. */
  cache?: string;
  target?: string;
  /** PASS, MISS (with by how much) or – when the scenario has no target. */
  verdict: string;
  /** Everything measured, for the JSON file. */
  raw?: unknown;
}

const COLUMNS: Array<[string, (row: ResultRow) => string]> = [
  ['scenario', (row) => `${row.id} ${row.title}`],
  ['p50 ms', (row) => cell(row.p50Ms)],
  ['p99 ms', (row) => cell(row.p99Ms)],
  ['facade CPU µs/req', (row) => cell(row.facadeCpuUsPerReq)],
  ['upstream req', (row) => cell(row.upstreamRequests)],
  ['X-Facade-Cache', (row) => row.cache ?? '–'],
  ['target', (row) => row.target ?? '–'],
  ['result', (row) => row.verdict],
];

function cell(value: number | undefined): string {
  return value === undefined ? '–' : String(value);
}

/** Formats X-Facade-Cache tallies; "n/a" when no answer carried the header. */
export function formatCacheHeader(tally: Record<string, number>): string {
  const seen = Object.entries(tally).filter(([value]) => value !== 'absent');
  if (seen.length === 0) return 'n/a';
  return Object.entries(tally).sort((a, b) => b[1] - a[1]).map(([value, count]) => `${value} ${count}`).join(', ');
}

/** Rows as a Markdown-compatible table of `columns` (a title and how a row's cell reads). */
function formatColumns<Row>(columns: ReadonlyArray<[string, (row: Row) => string]>, rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map(([, read]) => read(row)));
  const widths = columns.map(([title], i) => Math.max(title.length, ...cells.map((line) => line[i]?.length ?? 0)));
  const line = (values: string[]): string => `| ${values.map((value, i) => value.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(columns.map(([title]) => title)), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

/** The mock-backed rows as a table. */
export const formatTable = (rows: readonly ResultRow[]): string => formatColumns(COLUMNS, rows);

/** The heaviest functions and modules of each profiled scenario. */
export function formatProfiles(rows: ReadonlyArray<{ id: string; profile?: ProfileSummary }>): string {
  const parts: string[] = [];
  for (const row of rows) {
    if (row.profile === undefined) continue;
    const { totalMs, busyMs, modules, functions } = row.profile;
    parts.push(`CPU profile of ${row.id} (${busyMs} ms busy of ${totalMs} ms sampled; self time, % of busy):`);
    parts.push(`  by module:   ${modules.slice(0, 10).map((entry) => `${entry.name} ${entry.percent}%`).join(', ')}`);
    for (const entry of functions.slice(0, 12)) parts.push(`  ${String(entry.percent).padStart(5)}%  ${entry.name}`);
  }
  return parts.join('\n');
}

/** Writes `bench/results/<timestamp>.json` and returns its path. */
export async function writeResults(results: unknown, startedAt: Date): Promise<string> {
  const directory = fileURLToPath(new URL('./results/', import.meta.url));
  await mkdir(directory, { recursive: true });
  const file = `${directory}${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

const PEER_COLUMNS: Array<[string, (row: PeerRow) => string]> = [
  ['row', (row) => `${row.id} ${row.title}`],
  ['conns', (row) => cell(row.connections || undefined)],
  ['req/s', (row) => cell(row.reqPerS)],
  ['CPU µs/req', (row) => cell(row.cpuUsPerReq)],
  ['p50 ms', (row) => cell(row.p50Us === undefined ? undefined : row.p50Us / 1000)],
  ['p99 ms', (row) => cell(row.p99Us === undefined ? undefined : row.p99Us / 1000)],
  ['added p50 ms', (row) => cell(row.addedUs === undefined ? undefined : row.addedUs / 1000)],
  ['upstream/req', (row) => cell(row.upstreamPerReq)],
  ['RSS MiB', (row) => cell(row.rssMiB)],
  ['target', (row) => row.target ?? '–'],
  ['result', (row) => [row.verdict, row.note].filter(Boolean).join('; ') || '–'],
];

/** The side-by-side rows (facade, nginx, Node floors) as a Markdown-compatible table. */
export const formatPeerTable = (rows: readonly PeerRow[]): string => formatColumns(PEER_COLUMNS, rows);
