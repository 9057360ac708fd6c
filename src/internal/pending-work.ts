// Work a stop waits for before it lets go of what that work writes to.

/**
 * Promises still running, each kept until it settles. `settled()` resolves once none is left, including work
 * tracked while it waited; a failure counts as settled (the work reports its own failures).
 */
export class PendingWork {
  readonly #running = new Set<Promise<void>>();

  /** How many are still running. */
  get size(): number {
    return this.#running.size;
  }

  /** Keeps `work` until it settles; answers `work` itself, so a caller can `return pending.track(…)`. */
  track<T>(work: Promise<T>): Promise<T> {
    const done: Promise<void> = work.then(
      () => void this.#running.delete(done),
      () => void this.#running.delete(done),
    );
    this.#running.add(done);
    return work;
  }

  /** Resolves once everything tracked, before or during the wait, has settled. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}
