// How the sweeper keeps Synapse's share of its wall time under INDEX_MAX_UPSTREAM_SHARE: a page that kept
// Synapse busy t ms is followed by a pause of t × (1/share − 1) before the sweeper's next request.
import { pause } from '../../internal/background.ts';

/** Paces one sweeper's requests; the debt carries over from one page, list or pass to the next. */
export class Pacer {
  readonly #share: number;
  readonly #now: () => number;
  #notBefore = Number.NEGATIVE_INFINITY;

  /** `share`: 0 < share ≤ 1 (1: no pause). `now`: a monotonic clock in milliseconds (default performance.now). */
  constructor(share: number, now: () => number = () => performance.now()) {
    this.#share = share;
    this.#now = now;
  }

  /** Records a request that kept Synapse busy `busyMs` milliseconds, ending now. */
  spent(busyMs: number): void {
    this.#notBefore = this.#now() + busyMs * (1 / this.#share - 1);
  }

  /** Milliseconds until the next request may leave (0 when it may leave now). */
  get owedMs(): number {
    return Math.max(0, Math.ceil(this.#notBefore - this.#now()));
  }

  /** Waits out the pause owed; resolves false when `signal` aborted it. */
  async ready(signal: AbortSignal): Promise<boolean> {
    const owed = this.owedMs;
    if (owed === 0) return !signal.aborted;
    return pause(owed, signal);
  }
}
