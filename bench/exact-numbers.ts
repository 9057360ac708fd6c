// Micro-measurement: what exact numbers (issue 10 #4) cost on the owned 100-room page, in µs per page for
// parse + validate + normalise + serialise, next to the plain JSON.parse the facade used before.
// `node bench/exact-numbers.ts` runs it alone (mock in this process); `npm run bench` adds it as a row.
import { fileURLToPath } from 'node:url';
import { parseJsonExact } from '../src/internal/exact-json.ts';
import { normalisedAnswer } from '../src/pipeline/normalise-response.ts';
import { startMockSynapse } from '../src/mock/server.ts';
import { roomsListRoute } from '../src/routes/rooms/rooms-list.ts';
import type { ResultRow } from './report.ts';
import { ADMIN_HEADERS, ROOM_LIST_PATH } from './scenarios.ts';

/** Pages per round, warm-up pages and rounds (the median round is reported): bounded whatever the machine. */
const ITERATIONS = 1_000;
const WARMUP = 500;
const ROUNDS = 7;

/** CPU µs (user + system) per call of `work`, over one round. CPU time, not wall time: the machine may be busy. */
function cpuMicrosPerCall(work: () => unknown): number {
  const before = process.cpuUsage();
  for (let index = 0; index < ITERATIONS; index += 1) work();
  const { user, system } = process.cpuUsage(before);
  return (user + system) / ITERATIONS;
}

/** The median CPU µs per call of each variant; rounds interleave the variants so drift hits them alike. */
function medianMicros<Name extends string>(variants: Record<Name, () => unknown>): Record<Name, number> {
  const names = Object.keys(variants) as Name[];
  for (const name of names) for (let index = 0; index < WARMUP; index += 1) variants[name]();
  const rounds = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  for (let round = 0; round < ROUNDS; round += 1) for (const name of names) rounds[name].push(cpuMicrosPerCall(variants[name]));
  const median = (values: number[]) => Math.round(values.sort((a, b) => a - b)[Math.floor(values.length / 2)]! * 10) / 10;
  return Object.fromEntries(names.map((name) => [name, median(rounds[name])])) as Record<Name, number>;
}

/** The owned route's own steps (normalise-response.ts normalisedAnswer, which normaliseBody runs) with a given JSON parser. */
function pipelineWith(parse: (text: string) => unknown, page: Buffer) {
  const request = { path: '/v1/rooms', query: [] };
  return () => {
    const answer = normalisedAnswer(roomsListRoute, request, page, parse);
    if (!answer.fits) throw new Error(`the page does not fit the rooms-list schema: ${answer.mismatch}`);
    return answer.body;
  };
}

/** What exact numbers cost on `page`: plain JSON.parse (before), parseJsonExact (after), and its slow path. */
export function measureExactNumbers(page: Buffer) {
  // One number Synapse wrote as `1.0` sends the whole page through the reviver: the worst case.
  const inexact = Buffer.from(page.toString('utf8').replace(/}$/, ',"org.example.ratio":1.0}'));
  const micros = medianMicros({
    plainUsPerPage: pipelineWith(JSON.parse, page),
    exactUsPerPage: pipelineWith(parseJsonExact, page),
    exactWithInexactNumberUsPerPage: pipelineWith(parseJsonExact, inexact),
  });
  return { pageBytes: page.length, ...micros };
}

/** Fetches the 100-room page from the mock at `mockUrl` (as the scenarios load it). */
export async function captureRoomPage(mockUrl: string): Promise<Buffer> {
  const response = await fetch(`${mockUrl}${ROOM_LIST_PATH}`, { headers: ADMIN_HEADERS });
  if (response.status !== 200) throw new Error(`mock answered ${response.status} to ${ROOM_LIST_PATH}`);
  return Buffer.from(await response.arrayBuffer());
}

/** The measurement as a row of the bench table (µs per page in the CPU column). */
export async function exactNumbersRow(mockUrl: string): Promise<ResultRow> {
  const measured = measureExactNumbers(await captureRoomPage(mockUrl));
  return {
    id: 'n',
    title: `normalise the 100-room page (${measured.pageBytes} B), exact numbers`,
    facadeCpuUsPerReq: measured.exactUsPerPage,
    verdict: `plain JSON.parse ${measured.plainUsPerPage} µs; with a number like 1.0 ${measured.exactWithInexactNumberUsPerPage} µs`,
    raw: measured,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mock = await startMockSynapse();
  try {
    const measured = measureExactNumbers(await captureRoomPage(mock.url));
    console.log(`100-room page, ${measured.pageBytes} bytes: parse + validate + normalise + serialise, CPU µs per page (median of ${ROUNDS} rounds × ${ITERATIONS})`);
    console.log(`  before, JSON.parse:                      ${measured.plainUsPerPage}`);
    console.log(`  after, parseJsonExact (this page):       ${measured.exactUsPerPage}`);
    console.log(`  after, a page with one number like 1.0:  ${measured.exactWithInexactNumberUsPerPage}`);
  } finally {
    await mock.close();
  }
}
