// A running facade hands memory back once quiet after its RSS grew, counts it in its metrics and says so in its log;
// requests arriving every few milliseconds keep it from doing so.
import { afterEach, describe, expect, it } from 'vitest';
import { isBuiltin } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { FAKE_UPSTREAM, startTestFacade, type TestFacade } from '../support/facade.ts';

// Requests come every 20th of it: a tick finds none only if this process stalls for most of an interval.
const QUIET_MS = 400;
let upstream: FakeUpstream | undefined;
let facade: TestFacade | undefined;

afterEach(async () => {
  await facade?.close();
  await upstream?.close();
});

const handbacks = async (running: TestFacade) => (await running.context.metrics.memoryHandbacks.get()).values[0]?.value ?? 0;

describe('memory hand-back in a running facade', () => {
  // The test's Node runs without --expose-gc, so malloc_trim (node:ffi, Node 26) is the only way it has to hand back.
  it.runIf(isBuiltin('node:ffi'))('waits while requests arrive, hands back once quiet, and not again without new growth', async () => {
    upstream = await startFakeUpstream();
    facade = await startTestFacade(upstream.url, { ...FAKE_UPSTREAM, memoryHandbackQuietMs: QUIET_MS, memoryHandbackGrowthMb: 8 });
    const start = facade.logLines.find((line) => line.includes('"msg":"memory hand-back"'));
    expect(start, 'the start-up line saying what it can do').toMatch(/"trim":"malloc_trim"/);
    // RSS grows by 16 MiB the facade cannot give back (the test holds it): twice the 8 MiB that makes a hand-back worth
    // it. It grows only once requests are arriving: grown before the first one, the facade was rightly quiet, and a
    // tick between the growth and that request handed back (5 runs in 15 on a loaded machine; stop 29's CI failure).
    let held: Buffer | undefined;
    const until = Date.now() + QUIET_MS * 4;
    while (Date.now() < until) {
      await fetch(`${facade.url}/_facade/health`).then((response) => response.arrayBuffer());
      held ??= Buffer.alloc(16 * 1024 * 1024, 7);
      await sleep(QUIET_MS / 20);
    }
    expect(await handbacks(facade), 'hand-backs while requests arrived').toBe(0);
    await sleep(QUIET_MS * 4);
    expect(await handbacks(facade)).toBe(1);
    expect(facade.logLines.filter((line) => line.includes('memory hand-back: quiet'))).toHaveLength(1);
    await sleep(QUIET_MS * 4);
    expect(await handbacks(facade), 'a second hand-back with no new growth').toBe(1);
    expect(held![held!.length - 1]).toBe(7);
  });

  it.runIf(!isBuiltin('node:ffi'))('on a Node without node:ffi or --expose-gc, says at start that it has neither, and never hands back', async () => {
    upstream = await startFakeUpstream();
    facade = await startTestFacade(upstream.url, { ...FAKE_UPSTREAM, memoryHandbackQuietMs: QUIET_MS, memoryHandbackGrowthMb: 1 });
    const start = facade.logLines.find((line) => line.includes('"msg":"memory hand-back"'));
    expect(start).toMatch(/"collect":"none: Node started without --expose-gc"/);
    expect(start).toMatch(/"trim":"malloc_trim unavailable: this Node has no node:ffi"/);
    const held = Buffer.alloc(16 * 1024 * 1024, 7);
    await sleep(QUIET_MS * 4);
    expect(await handbacks(facade)).toBe(0);
    expect(held[0]).toBe(7);
  });

  it('MEMORY_HANDBACK_QUIET_MS=0 turns it off: no start-up line, and no hand-back however quiet', async () => {
    upstream = await startFakeUpstream();
    facade = await startTestFacade(upstream.url, { ...FAKE_UPSTREAM, memoryHandbackQuietMs: 0, memoryHandbackGrowthMb: 1 });
    const held = Buffer.alloc(16 * 1024 * 1024, 7);
    await sleep(QUIET_MS * 4);
    expect(await handbacks(facade)).toBe(0);
    expect(facade.logLines.filter((line) => line.includes('memory hand-back'))).toEqual([]);
    expect(held[0]).toBe(7);
  });
});
