// The keyed counter and histogram export exactly what prom-client's own would for the same calls.
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { KeyedCounter, KeyedHistogram } from '../../src/observability/keyed-metrics.ts';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const help = 'Help text with a \\ backslash and a\nnewline.';

function pair() {
  const ours = new Registry();
  const theirs = new Registry();
  return {
    ours,
    theirs,
    counters: [
      new KeyedCounter({ name: 'c_total', help, labelNames: ['route', 'status'] as const, registers: [ours] }),
      new Counter({ name: 'c_total', help, labelNames: ['route', 'status'] as const, registers: [theirs] }),
    ] as const,
    histograms: [
      new KeyedHistogram({ name: 'h_seconds', help, labelNames: ['route', 'method'] as const, buckets: BUCKETS, registers: [ours] }),
      new Histogram({ name: 'h_seconds', help, labelNames: ['route', 'method'] as const, buckets: BUCKETS, registers: [theirs] }),
    ] as const,
  };
}

describe('keyed metrics', () => {
  it('a counter exports the same text and values as prom-client Counter', async () => {
    const { ours, theirs, counters } = pair();
    for (const counter of counters) {
      counter.inc({ route: 'GET /a', status: '200' });
      counter.inc({ route: 'GET /b', status: '404' }, 3);
      counter.inc({ route: 'GET /a', status: '200' });
      // A number and its text are one series, as prom-client's hash joins values as text.
      counter.inc({ route: 'GET /a', status: 200 });
      // A value needing escapes, and label sets that would collide if the key joined values naively.
      counter.inc({ route: 'x"y\\z\n', status: '200' });
      counter.inc({ route: 'a\u0000b', status: 'c' });
      counter.inc({ route: 'a', status: 'b\u0000c' });
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect((await counters[0].get()).values).toEqual((await counters[1].get()).values);
  });

  it('a histogram exports the same text as prom-client Histogram, edges, overflow and sums included', async () => {
    const { ours, theirs, histograms } = pair();
    const seconds = [0, 0.0005, 0.001, 0.0010001, 0.05, 1, 1.5, 120, 3e-7];
    for (const histogram of histograms) {
      for (const [i, value] of seconds.entries()) histogram.observe({ route: i % 2 ? 'GET /a' : 'GET /b', method: 'GET' }, value);
      histogram.observe({ route: 'GET /a', method: 'HEAD' }, 0.002);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  it('reset empties both, as the registry\'s resetMetrics does', async () => {
    const { ours, theirs, counters, histograms } = pair();
    counters[0].inc({ route: 'r', status: '200' });
    histograms[0].observe({ route: 'r', method: 'GET' }, 0.2);
    ours.resetMetrics();
    theirs.resetMetrics();
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.metrics()).not.toMatch(/route="r"/);
  });

  it('refuses what prom-client refuses: an unknown label, a value that is not a finite number', () => {
    const { counters, histograms } = pair();
    for (const metric of [counters[0], counters[1]]) expect(() => metric.inc({ route: 'r', status: '1', extra: 'x' } as never)).toThrow(/label/i);
    expect(() => counters[0].inc({ route: 'r', status: '1' }, -1)).toThrow();
    for (const metric of histograms) expect(() => metric.observe({ route: 'r', method: 'GET' }, Number.NaN)).toThrow(/number/i);
  });
});
