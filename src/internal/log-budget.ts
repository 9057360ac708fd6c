// A per-key budget of log lines (a token bucket), so an upstream that keeps misbehaving cannot flood the logs.

/** Options of a LogBudget. */
export interface LogBudgetOptions {
  /** Lines a key may write at once, before the budget runs dry. Default 10. */
  burst?: number;
  /** One more line per key every `intervalMs` milliseconds once dry. Default 6000 (10 a minute). */
  intervalMs?: number;
  /** Most keys remembered; the budget of a forgotten key starts full again. Default 1000. */
  maxKeys?: number;
  /** Clock in milliseconds; default Date.now. */
  now?: () => number;
}

/** Whether to write a line now, and how many lines of this key were held back since the last one written. */
export type LogDecision = { write: true; suppressed: number } | { write: false };

interface Bucket {
  tokens: number;
  updatedAt: number;
  suppressed: number;
}

/** Decides, per key, whether one more line may be written. */
export class LogBudget {
  readonly #buckets = new Map<string, Bucket>();
  readonly #burst: number;
  readonly #intervalMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor({ burst = 10, intervalMs = 6_000, maxKeys = 1_000, now = Date.now }: LogBudgetOptions = {}) {
    this.#burst = burst;
    this.#intervalMs = intervalMs;
    this.#maxKeys = maxKeys;
    this.#now = now;
  }

  /** Spends one line of `key`'s budget if any is left; otherwise counts the line as held back. */
  take(key: string): LogDecision {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
      bucket = { tokens: this.#burst, updatedAt: now, suppressed: 0 };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.updatedAt) / this.#intervalMs);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      bucket.suppressed += 1;
      return { write: false };
    }
    bucket.tokens -= 1;
    const suppressed = bucket.suppressed;
    bucket.suppressed = 0;
    return { write: true, suppressed };
  }
}
