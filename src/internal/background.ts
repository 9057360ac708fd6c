// Background loops of the facade (audit pruning, the delete follower, bulk jobs, index sweeps): one pass at a
// time, a pause between passes, stopped cleanly on shutdown.
import type { Logger } from '../log.ts';

/** Something the facade runs beside its requests, stopped before the store closes. */
export interface BackgroundTask {
  readonly name: string;
  /** Stops starting passes and resolves when the pass in flight (if any) has ended. */
  stop(): Promise<void>;
}

/** Options of everyInterval. */
export interface LoopOptions {
  name: string;
  /** Pause after each pass, milliseconds; a pass may answer its own next pause. */
  intervalMs: number;
  /** Pause before the first pass, milliseconds (default 0). */
  initialDelayMs?: number;
  logger: Logger;
}

/**
 * Runs `pass` now (after `initialDelayMs`) and again `intervalMs` after each pass ends, never two at once.
 * A pass that throws is logged and the loop goes on. Timers are unref'd: a loop never keeps the process up.
 * `stopping` aborts when stop() is called, so a long pass can end at its next safe point.
 */
export function everyInterval(pass: (stopping: AbortSignal) => Promise<number | void>, { name, intervalMs, initialDelayMs = 0, logger }: LoopOptions): BackgroundTask & { wake(): void } {
  let stopped = false;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const schedule = (ms: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, ms).unref();
  };
  function run() {
    if (stopped || running) return;
    running = (async () => {
      let next = intervalMs;
      try {
        const asked = await pass(stopping.signal);
        if (typeof asked === 'number') next = asked;
      } catch (error) {
        logger.error({ err: error, task: name }, 'background pass failed');
      } finally {
        running = undefined;
      }
      schedule(next);
    })();
  }
  schedule(initialDelayMs);
  return {
    name,
    /** Runs a pass soon instead of after the whole pause (e.g. new work arrived). */
    wake: () => {
      if (!running) schedule(0);
    },
    async stop() {
      stopped = true;
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}

/** A pause that ends early (resolving false) when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms).unref();
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
