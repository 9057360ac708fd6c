// The memory hand-back: once the facade has been quiet for a whole interval after its RSS grew, it collects garbage
// and hands the C allocator's free pages back; never while requests arrive, and once per growth.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryHandback, type HandbackOptions } from '../../src/memory/handback.ts';
import { createLogger } from '../../src/log.ts';

const MiB = 1024 * 1024;
const QUIET_MS = 1_000;

/** A hand-back over a fake RSS, recording what it called in order. */
function handbackOver(rssMiB: { value: number }, overrides: Partial<HandbackOptions> = {}) {
  const calls: string[] = [];
  const handedBack: number[] = [];
  const handback = new MemoryHandback({
    quietMs: QUIET_MS,
    growthBytes: 32 * MiB,
    rss: () => rssMiB.value * MiB,
    collect: () => calls.push('collect'),
    trim: () => {
      calls.push('trim');
      rssMiB.value -= 50;
      return true;
    },
    logger: createLogger('silent'),
    onHandedBack: (bytes) => handedBack.push(bytes / MiB),
    ...overrides,
  });
  return { handback, calls, handedBack };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('memory hand-back', () => {
  it('does nothing while requests keep arriving, however far RSS grew', async () => {
    const rss = { value: 100 };
    const { handback, calls } = handbackOver(rss);
    rss.value = 400;
    for (let tick = 0; tick < 20; tick++) {
      handback.noteRequest();
      await vi.advanceTimersByTimeAsync(QUIET_MS / 2);
    }
    expect(calls).toEqual([]);
    await handback.stop();
  });

  it('after a whole quiet interval with RSS grown by the threshold: one collection, then one trim, and the bytes it gave back', async () => {
    const rss = { value: 100 };
    const { handback, calls, handedBack } = handbackOver(rss);
    handback.noteRequest();
    rss.value = 200;
    // The interval in which the request arrived is not quiet; the next one is.
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(calls).toEqual(['collect', 'trim']);
    expect(handedBack).toEqual([50]);
    await handback.stop();
  });

  it('does not hand back again while quiet, only once RSS grew by the threshold above what the last hand-back left', async () => {
    const rss = { value: 100 };
    const { handback, calls } = handbackOver(rss);
    rss.value = 200;
    await vi.advanceTimersByTimeAsync(QUIET_MS * 10);
    expect(calls).toEqual(['collect', 'trim']);
    // 150 MiB is what it left: 181 is not 32 MiB above it, 182 is.
    rss.value = 181;
    await vi.advanceTimersByTimeAsync(QUIET_MS * 5);
    expect(calls).toHaveLength(2);
    rss.value = 182;
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(calls).toEqual(['collect', 'trim', 'collect', 'trim']);
    await handback.stop();
  });

  it('measures growth from the lowest RSS it saw quiet, so memory that V8 gave back itself counts', async () => {
    const rss = { value: 100 };
    const { handback, calls } = handbackOver(rss);
    rss.value = 80;
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    rss.value = 112;
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(calls).toEqual(['collect', 'trim']);
    await handback.stop();
  });

  it('leaves growth below the threshold alone', async () => {
    const rss = { value: 100 };
    const { handback, calls } = handbackOver(rss);
    rss.value = 131;
    await vi.advanceTimersByTimeAsync(QUIET_MS * 10);
    expect(calls).toEqual([]);
    await handback.stop();
  });

  it('trims alone when it cannot collect (Node started without --expose-gc), and collects alone without malloc_trim', async () => {
    const rss = { value: 100 };
    const withoutCollect = handbackOver(rss, { collect: undefined });
    rss.value = 200;
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(withoutCollect.calls).toEqual(['trim']);
    await withoutCollect.handback.stop();

    rss.value = 100;
    const withoutTrim = handbackOver(rss, { trim: undefined });
    rss.value = 200;
    await vi.advanceTimersByTimeAsync(QUIET_MS);
    expect(withoutTrim.calls).toEqual(['collect']);
    await withoutTrim.handback.stop();
  });

  it('starts no timer with neither a collection nor a trim, or with quietMs 0', async () => {
    const rss = { value: 100 };
    for (const overrides of [{ collect: undefined, trim: undefined }, { quietMs: 0 }]) {
      const { handback, calls } = handbackOver(rss, overrides);
      expect(handback.enabled).toBe(false);
      expect(vi.getTimerCount()).toBe(0);
      rss.value = 500;
      await vi.advanceTimersByTimeAsync(QUIET_MS * 5);
      expect(calls).toEqual([]);
      await handback.stop();
    }
  });

  it('turns itself off after a trim that throws, and logs it once', async () => {
    const rss = { value: 100 };
    const lines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => lines.push(line) } as unknown as NodeJS.WritableStream);
    let trims = 0;
    const { handback } = handbackOver(rss, {
      logger,
      trim: () => {
        trims += 1;
        throw new Error('symbol went away');
      },
    });
    rss.value = 200;
    await vi.advanceTimersByTimeAsync(QUIET_MS * 10);
    expect(trims).toBe(1);
    expect(handback.enabled).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    expect(lines.filter((line) => line.includes('memory hand-back'))).toHaveLength(1);
    await handback.stop();
  });

  it('stop() clears its timer', async () => {
    const { handback } = handbackOver({ value: 100 });
    expect(vi.getTimerCount()).toBe(1);
    await handback.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
