// Hands memory back once the facade is quiet after a burst. Under load a miss's bodies outlive a scavenge or two and
// are freed only by a mark-compact, so glibc's heap grows to that high-water mark and keeps it; V8 keeps its own
// grown heap as well. When no request arrived for a whole interval and RSS grew by the threshold since the last
// hand-back, this runs a memory-reducing collection (when Node exposes `gc`) and malloc_trim. Never under load: a
// collection of a loaded heap takes tens of milliseconds, and pages handed back are faulted in again when reused.
import type { Logger } from '../log.ts';
import type { BackgroundTask } from '../internal/background.ts';
import type { TrimAllocator } from './malloc-trim.ts';

/** Options of MemoryHandback. */
export interface HandbackOptions {
  /** Milliseconds without a request before memory is handed back; 0 turns the hand-back off. */
  quietMs: number;
  /** RSS growth, in bytes, above the lowest quiet reading since the last hand-back that makes one worth it. */
  growthBytes: number;
  /** A memory-reducing major collection; absent when Node was started without `--expose-gc`. */
  collect: (() => void) | undefined;
  /** glibc's malloc_trim; absent where it cannot be called (malloc-trim.ts). */
  trim: TrimAllocator | undefined;
  logger: Logger;
  /** Resident memory now, bytes; default process.memoryUsage.rss. */
  rss?: () => number;
  /** Told after each hand-back: the bytes RSS fell by (0 when it did not fall). */
  onHandedBack?: (bytes: number) => void;
}

/** The hand-back: a timer every `quietMs`, told of each request by noteRequest(). */
export class MemoryHandback implements BackgroundTask {
  readonly name = 'memory hand-back';
  /** A request arrived since the last tick: that interval was not quiet. */
  #busy = false;
  #lowestRss: number;
  #timer: NodeJS.Timeout | undefined;
  readonly #options: HandbackOptions;
  readonly #rss: () => number;

  constructor(options: HandbackOptions) {
    this.#options = options;
    this.#rss = options.rss ?? (() => process.memoryUsage.rss());
    this.#lowestRss = this.#rss();
    if (options.quietMs > 0 && (options.collect || options.trim)) this.#timer = setInterval(() => this.#tick(), options.quietMs).unref();
  }

  /** Whether it runs: off with quietMs 0, with nothing to call, or after a call failed. */
  get enabled(): boolean {
    return this.#timer !== undefined;
  }

  /** Called on every request the facade receives: it only sets a flag, so the hot path pays nothing else. */
  noteRequest(): void {
    this.#busy = true;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    if (this.#busy) {
      this.#busy = false;
      return;
    }
    const rss = this.#rss();
    if (rss - this.#lowestRss < this.#options.growthBytes) {
      this.#lowestRss = Math.min(this.#lowestRss, rss);
      return;
    }
    const { collect, trim, logger, onHandedBack } = this.#options;
    const startedAt = performance.now();
    try {
      collect?.();
      trim?.();
    } catch (error) {
      logger.error({ err: error }, 'memory hand-back failed; turned off');
      void this.stop();
      return;
    }
    const after = this.#rss();
    this.#lowestRss = after;
    onHandedBack?.(Math.max(0, rss - after));
    logger.info(
      { rssBeforeBytes: rss, rssAfterBytes: after, ms: Math.round(performance.now() - startedAt), collected: collect !== undefined, trimmed: trim !== undefined },
      'memory hand-back: quiet after RSS grew',
    );
  }
}

/** A memory-reducing major collection (V8 also hands its free pages back), when Node exposes `gc`. */
export function memoryReducingCollection(): (() => void) | undefined {
  const collect = globalThis.gc;
  return collect ? () => collect({ type: 'major', execution: 'sync', flavor: 'last-resort' }) : undefined;
}
