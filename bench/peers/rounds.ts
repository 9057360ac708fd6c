// The rows a target compares, measured in turn round after round: this VM's speed drifts between runs a few seconds
// apart, so a facade row measured half a minute after its peer's could pass or miss on the drift alone. Each round
// measures every variant once; a row reports its median over the rounds, and a target judges the median of the
// per-round ratios, where each ratio compares two runs made seconds apart.
/** What one round measured of one variant (the figures of a table row). */
export interface RoundRun {
  connections?: number;
  reqPerS?: number;
  cpuUsPerReq?: number;
  p50Us?: number;
  p99Us?: number;
  upstreamPerReq?: number;
  rssMiB?: number;
  note?: string;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs `measure` on each variant in turn, `rounds` times; every variant's runs, in round order, by variant id. */
export async function inRounds<Variant extends { id: string }>(
  variants: readonly Variant[],
  rounds: number,
  measure: (variant: Variant, round: number) => Promise<RoundRun>,
): Promise<Map<string, RoundRun[]>> {
  const runs = new Map<string, RoundRun[]>(variants.map((variant) => [variant.id, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const variant of variants) runs.get(variant.id)!.push(await measure(variant, round));
  }
  return runs;
}

/** The figures of a row a round measures. */
export type Figure = 'reqPerS' | 'cpuUsPerReq' | 'p50Us' | 'p99Us' | 'upstreamPerReq';
const FIGURES: readonly Figure[] = ['reqPerS', 'cpuUsPerReq', 'p50Us', 'p99Us', 'upstreamPerReq'];

/** One row from its rounds: each figure the median over the rounds, RSS after the last, notes of every round kept. */
export function medianRow(runs: readonly RoundRun[]): RoundRun {
  const row: RoundRun = { connections: runs[0]?.connections, rssMiB: runs.at(-1)?.rssMiB };
  for (const figure of FIGURES) {
    const values = runs.map((run) => run[figure]).filter((value): value is number => value !== undefined);
    if (values.length > 0) row[figure] = Math.round(median(values) * 100) / 100;
  }
  const notes = [...new Set(runs.map((run) => run.note).filter(Boolean))];
  if (notes.length > 0) row.note = notes.join('; ');
  return row;
}

/** `figure` in each round of `runs` beside the same round's figure in `peer`; rounds missing it on either side left out. */
function roundPairs(runs: readonly RoundRun[], peer: readonly RoundRun[], figure: Figure): Array<[own: number, theirs: number]> {
  const pairs: Array<[number, number]> = [];
  runs.forEach((run, round) => {
    const own = run[figure];
    const theirs = peer[round]?.[figure];
    if (own !== undefined && theirs !== undefined) pairs.push([own, theirs]);
  });
  return pairs;
}

/** `figure` in each round of `runs` divided by the same round's figure in `peer`; undefined when there is no peer. */
export function roundRatios(runs: readonly RoundRun[] | undefined, peer: readonly RoundRun[] | undefined, figure: Figure): number[] | undefined {
  if (runs === undefined || peer === undefined) return undefined;
  return roundPairs(runs, peer, figure).filter(([, theirs]) => theirs > 0).map(([own, theirs]) => own / theirs);
}

const shown = (ratio: number) => Math.round(ratio * 100) / 100;

/**
 * PASS or MISS for the median of the per-round ratios against its limit (`at most` or `at least` that many times the
 * peer's figure), saying that median and each round's ratio; `n/a` when the peer was not measured.
 */
export function ratioVerdict(ratios: readonly number[] | undefined, bound: 'at most' | 'at least', limit: number, peer: string): string {
  if (ratios === undefined || ratios.length === 0) return `n/a (${peer} not measured)`;
  const ratio = median(ratios);
  const pass = bound === 'at most' ? ratio <= limit : ratio >= limit;
  return `${pass ? 'PASS' : 'MISS'} (${shown(ratio)}× ${peer}'s, ${bound === 'at most' ? '≤' : '≥'} ${limit}×; rounds ${ratios.map(shown).join(', ')})`;
}

/**
 * What a feature costs a request: the median of the per-round differences in CPU per request between the facade with
 * it and without it, measured in the same rounds (so drift between rounds cancels); each round's difference shown.
 * Undefined when either side was not measured.
 */
export function featurePrice(feature: string, withIt: readonly RoundRun[] | undefined, without: readonly RoundRun[] | undefined): string | undefined {
  if (withIt === undefined || without === undefined) return undefined;
  const differences = roundPairs(withIt, without, 'cpuUsPerReq').map(([own, other]) => own - other);
  if (differences.length === 0) return undefined;
  const tenth = (value: number) => Math.round(value * 10) / 10;
  return `${feature} costs ${tenth(median(differences))} µs CPU a request (rounds ${differences.map(tenth).join(', ')})`;
}
