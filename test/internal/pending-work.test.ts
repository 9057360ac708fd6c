// What a stop waits for before closing the store: every tracked promise, including one tracked while it waits.
import { describe, expect, it } from 'vitest';
import { PendingWork } from '../../src/internal/pending-work.ts';

/** A promise and the functions that end it. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
  return { promise, resolve, reject };
}

describe('PendingWork', () => {
  it('settles at once when nothing is running', async () => {
    const pending = new PendingWork();
    await pending.settled();
    expect(pending.size).toBe(0);
  });

  it('answers the tracked promise itself, its value or its failure unchanged', async () => {
    const pending = new PendingWork();
    await expect(pending.track(Promise.resolve(7))).resolves.toBe(7);
    await expect(pending.track(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await pending.settled();
    expect(pending.size).toBe(0);
  });

  it('waits for every tracked promise, a failed one counting as settled', async () => {
    const pending = new PendingWork();
    const first = deferred();
    const second = deferred();
    pending.track(first.promise);
    pending.track(second.promise).catch(() => {});
    let settled = false;
    const waited = pending.settled().then(() => (settled = true));
    first.resolve();
    await Promise.resolve();
    await new Promise((tick) => setImmediate(tick));
    expect(settled).toBe(false);
    expect(pending.size).toBe(1);
    second.reject(new Error('reported by the work itself'));
    await waited;
    expect(pending.size).toBe(0);
  });

  it('waits for work tracked while it was already waiting (a row written after its mutation ended)', async () => {
    const pending = new PendingWork();
    const mutation = deferred();
    const row = deferred();
    pending.track(mutation.promise.then(() => void pending.track(row.promise)));
    let settled = false;
    const waited = pending.settled().then(() => (settled = true));
    mutation.resolve();
    await new Promise((tick) => setImmediate(tick));
    expect(settled).toBe(false);
    row.resolve();
    await waited;
    expect(settled).toBe(true);
  });
});
