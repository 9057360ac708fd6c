// The bench judges a target on the median of per-round ratios (issue 13): drift between rounds must not decide it.
import { describe, expect, it } from 'vitest';
import { featurePrice, inRounds, median, medianRow, ratioVerdict, roundRatios } from '../../bench/peers/rounds.ts';

describe('issue 13: rows a target compares are measured in alternated rounds', () => {
  it('measures every variant once per round, in turn', async () => {
    const order: string[] = [];
    const runs = await inRounds([{ id: 'N1' }, { id: 'H' }], 3, async ({ id }, round) => {
      order.push(`${id}${round}`);
      return { cpuUsPerReq: round };
    });
    expect(order).toEqual(['N10', 'H0', 'N11', 'H1', 'N12', 'H2']);
    expect(runs.get('H')!.map((run) => run.cpuUsPerReq)).toEqual([0, 1, 2]);
  });

  it('a ratio pairs each round with the same round of the peer, so a machine that slowed down midway does not decide it', () => {
    // The machine ran half as fast in round 2: both variants took twice the CPU there.
    const peer = [{ cpuUsPerReq: 20 }, { cpuUsPerReq: 40 }, { cpuUsPerReq: 20 }];
    const facade = [{ cpuUsPerReq: 22 }, { cpuUsPerReq: 44 }, { cpuUsPerReq: 22 }];
    expect(median(roundRatios(facade, peer, 'cpuUsPerReq')!)).toBeCloseTo(1.1);
    // Rounds a figure is missing from are left out; no peer at all is no ratio.
    expect(roundRatios([{ cpuUsPerReq: 30 }, {}], [{ cpuUsPerReq: 20 }, { cpuUsPerReq: 20 }], 'cpuUsPerReq')).toEqual([1.5]);
    expect(roundRatios(facade, undefined, 'cpuUsPerReq')).toBeUndefined();
  });

  it('a row shows the median of its rounds, RSS after the last round, and every distinct note', () => {
    const row = medianRow([
      { connections: 50, reqPerS: 100, p99Us: 9, rssMiB: 10, note: 'a' },
      { connections: 50, reqPerS: 300, p99Us: 1, rssMiB: 12 },
      { connections: 50, reqPerS: 200, p99Us: 2, rssMiB: 11, note: 'a' },
    ]);
    expect(row).toEqual({ connections: 50, reqPerS: 200, p99Us: 2, rssMiB: 11, note: 'a' });
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('says PASS or MISS on the median ratio, with its bound and every round\'s ratio', () => {
    expect(ratioVerdict([0.98], 'at most', 1, 'N1')).toBe("PASS (0.98× N1's, ≤ 1×; rounds 0.98)");
    expect(ratioVerdict([1.2, 1.134, 0.99], 'at most', 1, 'N1')).toBe("MISS (1.13× N1's, ≤ 1×; rounds 1.2, 1.13, 0.99)");
    expect(ratioVerdict([0.93, 0.9], 'at least', 1.5, 'N1')).toBe("MISS (0.92× N1's, ≥ 1.5×; rounds 0.93, 0.9)");
    expect(ratioVerdict(undefined, 'at least', 1.5, 'N1')).toBe('n/a (N1 not measured)');
  });

  it('a ratio just over its bound is a miss, however it rounds for display', () => {
    expect(ratioVerdict([1.004], 'at most', 1, 'N1')).toBe("MISS (1× N1's, ≤ 1×; rounds 1)");
  });

  it("a feature's price is the median of the per-round CPU differences with and without it, measured in the same rounds", () => {
    // Round 2 ran on a slower machine: both took 10 µs more there, and the difference stays 4.
    const withIt = [{ cpuUsPerReq: 24 }, { cpuUsPerReq: 34 }, { cpuUsPerReq: 23 }];
    const without = [{ cpuUsPerReq: 20 }, { cpuUsPerReq: 30 }, { cpuUsPerReq: 21 }];
    expect(featurePrice('the log line', withIt, without)).toBe('the log line costs 4 µs CPU a request (rounds 4, 4, 2)');
    // A feature whose rounds say it saves CPU is shown as it measured, not hidden.
    expect(featurePrice('the log line', without, withIt)).toBe('the log line costs -4 µs CPU a request (rounds -4, -4, -2)');
    expect(featurePrice('the log line', withIt, undefined)).toBeUndefined();
    expect(featurePrice('the log line', [{}], [{ cpuUsPerReq: 1 }])).toBeUndefined();
  });
});
