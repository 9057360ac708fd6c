// Reading one replica's /_facade/metrics: a sample by name and labels, and a histogram's buckets, sum and count.

/** One histogram as scraped: cumulative bucket counts by upper bound (seconds), the sum and the count. */
export interface ScrapedHistogram {
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

/** The Prometheus text of a facade's /_facade/metrics (built at most once a second by the facade). */
export async function scrape(facadeUrl: string): Promise<string> {
  const response = await fetch(`${facadeUrl}/_facade/metrics`);
  if (response.status !== 200) throw new Error(`/_facade/metrics answered ${response.status}`);
  return response.text();
}

/** The value of the series `name{labels}` (labels as written, e.g. `le="0.1"`); throws when the series is missing. */
export function sampleOf(text: string, name: string, labels = ''): number {
  const series = labels === '' ? `${name} ` : `${name}{${labels}} `;
  const line = text.split('\n').find((candidate) => candidate.startsWith(series));
  // A missing series fails the test: a dropped or renamed metric must not read as 0.
  if (line === undefined) throw new Error(`no series ${series.trim()} in /_facade/metrics`);
  return Number(line.slice(series.length));
}

/** The histogram `name` (without labels of its own), from its `_bucket`, `_sum` and `_count` series. */
export function histogramOf(text: string, name: string): ScrapedHistogram {
  const buckets = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm'))].map(([, le, count]) => ({
    le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le),
    count: Number(count),
  }));
  if (buckets.length === 0) throw new Error(`no histogram ${name} in /_facade/metrics`);
  return { buckets, sum: sampleOf(text, `${name}_sum`), count: sampleOf(text, `${name}_count`) };
}

/** The smallest bucket bound holding every observation (Infinity when some fall beyond the last finite one). */
export const maxBucketOf = (histogram: ScrapedHistogram): number => histogram.buckets.find((bucket) => bucket.count === histogram.count)?.le ?? Number.POSITIVE_INFINITY;
