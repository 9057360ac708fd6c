// Bounded fan-out toward Synapse: at most N requests in flight, the rest wait in order, then get a 503.
import { FacadeError } from '../errors.ts';

/** The 503 a request gets when no slot frees up in time. */
export const busyError = (waitedMs: number) =>
  new FacadeError(503, 'M_UNKNOWN', `The admin facade is busy: no connection to Synapse became free within ${waitedMs} ms`);

/** Options of the limiter. */
export interface LimiterOptions {
  /** Most tasks running at once. */
  maxConcurrency: number;
  /** Longest wait in the queue, milliseconds, before the 503. */
  queueTimeoutMs: number;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

/** A FIFO semaphore: `run(task)` starts when a slot is free; a task waiting too long rejects with 503. */
export class UpstreamLimiter {
  readonly #maxConcurrency: number;
  readonly #queueTimeoutMs: number;
  readonly #queue: Waiter[] = [];
  #running = 0;

  constructor({ maxConcurrency, queueTimeoutMs }: LimiterOptions) {
    this.#maxConcurrency = maxConcurrency;
    this.#queueTimeoutMs = queueTimeoutMs;
  }

  /** Tasks running now. */
  get running(): number {
    return this.#running;
  }

  /** Tasks waiting for a slot now. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Runs `task` in a slot; never drops it silently: it runs, or rejects with the 503. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.#acquire();
    try {
      return await task();
    } finally {
      this.#release();
    }
  }

  #acquire(): Promise<void> {
    if (this.#running < this.#maxConcurrency) {
      this.#running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer);
          this.#running += 1;
          resolve();
        },
        timer: setTimeout(() => {
          this.#queue.splice(this.#queue.indexOf(waiter), 1);
          reject(busyError(this.#queueTimeoutMs));
        }, this.#queueTimeoutMs),
      };
      this.#queue.push(waiter);
    });
  }

  #release(): void {
    this.#running -= 1;
    this.#queue.shift()?.start();
  }
}
