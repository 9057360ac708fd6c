// Pagination tokens shaped like Synapse's StreamToken (`s<stream>_…` or `t<topo>-<stream>_…`, 14 parts).

const PARTS = 14;

/** Serialises a stream position as Synapse 1.160 does (trailing parts zero). */
export function streamToken(streamOrdering: number): string {
  return [`s${streamOrdering}`, ...Array<string>(PARTS - 1).fill('0')].join('_');
}

/** Parses a token into its stream position; undefined when Synapse would reject it. */
export function parseStreamToken(token: string): number | undefined {
  const parts = token.split('_');
  if (parts.length > PARTS) return undefined;
  const [room, ...rest] = parts;
  if (room === undefined || !rest.every((part) => /^\d+$/.test(part))) return undefined;
  const match = /^(?:s(\d+)|t\d+-(\d+))$/.exec(room);
  const stream = match?.[1] ?? match?.[2];
  return stream === undefined ? undefined : Number(stream);
}
