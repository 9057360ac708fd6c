// One run of one job in this process: its unfinished children in a queue (those a crash left half-done
// first), worked on by `concurrency` slots, each pausing `pace_ms` after every child it sent.
import type { FacadeContext } from '../../pipeline/context.ts';
import type { JobChild, JobRecord } from '../../store/store.ts';
import { pause } from '../../internal/background.ts';
import { workOnChild } from '../children.ts';
import type { ChildRun, Halt } from './child-run.ts';

/**
 * How a run ended; the runner stores the job's state from it (`stopped`: left as it is, for the next start;
 * `lost`: another replica holds the job now, and nothing more is written about it here).
 */
export type ExecutionEnd = 'finished' | 'cancelled' | 'waiting' | 'store' | 'lost' | 'stopped';

/** Wait before a child that found no free limiter slot is tried again, milliseconds. */
const BUSY_RETRY_MS = 1_000;

/** Options of a run. */
export interface ExecutionOptions {
  /** The job is being cancelled: only children already in flight are settled. */
  cancelled: boolean;
  /** The replica running it (its lease is checked before each child is sent). */
  owner: string;
  pollIntervalMs: number;
  reconcileAttempts: number;
  now: () => number;
}

/** In-flight children (a crash left them) before pending ones, each group in list order. */
const rank = (child: JobChild) => (child.state === 'pending' ? 1 : 0);

/** Runs one job until its children are all final, it is cancelled, or it halts. */
export class JobExecution {
  readonly #run: ChildRun;
  readonly #halt = new AbortController();
  /** Ends pace pauses early once the job is cancelled. */
  readonly #wake = new AbortController();
  #haltReason: 'waiting' | 'store' | 'lost' | undefined;
  /** A child stopped short of its end (it keeps its stored state for the next run). */
  #interrupted = false;
  #cancelled: boolean;
  #queue: JobChild[] | undefined;
  readonly #skips: Promise<boolean>[] = [];

  constructor(context: FacadeContext, job: JobRecord, token: string, { cancelled, owner, pollIntervalMs, reconcileAttempts, now }: ExecutionOptions) {
    this.#cancelled = cancelled;
    this.#run = { context, job, token, owner, signal: this.#halt.signal, pollIntervalMs, reconcileAttempts, now };
  }

  /** Whether a cancel was asked for (before or during the run). */
  get cancelRequested(): boolean {
    return this.#cancelled;
  }

  /**
   * No child starts from now on; pending children become `skipped` (resolves once that is stored, true when
   * it could be); children in flight finish.
   */
  cancel(): Promise<boolean> {
    this.#cancelled = true;
    this.#wake.abort();
    return this.#skipQueued();
  }

  /** Halts at the next safe point: a request in flight is awaited and its answer recorded, nothing new is sent. */
  stop(): void {
    this.#halt.abort();
  }

  /** Another replica holds the job now: halts at the next safe point, and the run ends `lost`. */
  leaseLost(): void {
    this.#halted({ halt: 'lost' });
  }

  async run(): Promise<ExecutionEnd> {
    const { context, job } = this.#run;
    try {
      const unfinished = await context.store.jobChildren(job.id, { states: ['sending', 'following', 'pending'] });
      this.#queue = unfinished.sort((a, b) => rank(a) - rank(b) || a.position - b.position);
    } catch {
      return 'store';
    }
    if (this.#cancelled) void this.#skipQueued();
    await Promise.all(Array.from({ length: job.concurrency }, () => this.#slot()));
    const skipped = (await Promise.all(this.#skips)).every(Boolean);
    if (this.#haltReason) return this.#haltReason;
    // A stop that came after the last child ended changes nothing: the job is done.
    if (this.#halt.signal.aborted && (this.#interrupted || (this.#queue?.length ?? 0) > 0)) return 'stopped';
    if (!skipped) return 'store';
    return this.#cancelled ? 'cancelled' : 'finished';
  }

  async #slot(): Promise<void> {
    const { paceMs } = this.#run.job;
    const paced = AbortSignal.any([this.#halt.signal, this.#wake.signal]);
    while (!this.#halt.signal.aborted) {
      const child = this.#queue?.shift();
      if (!child) return;
      const outcome = await workOnChild(this.#run, child);
      if (typeof outcome === 'object') return this.#halted(outcome);
      if (outcome === 'cancelled') {
        // Another replica asked for the cancel: this child is skipped with the other pending ones.
        this.#queue?.unshift(child);
        void this.cancel();
      } else if (outcome === 'requeue') {
        this.#queue?.unshift(child);
        await pause(BUSY_RETRY_MS, this.#halt.signal);
      } else if (outcome === 'sent' && paceMs > 0) {
        await pause(paceMs, paced);
      }
    }
  }

  /** One child halted the job: every slot stops at its next safe point. The first reason is kept, but a lost lease wins. */
  #halted({ halt }: Halt): void {
    if (halt === 'interrupted') this.#interrupted = true;
    else if (halt === 'lost') this.#haltReason = 'lost';
    else this.#haltReason ??= halt;
    this.#halt.abort();
  }

  /** Takes the pending children off the queue (no slot can start them any more) and stores them skipped. */
  #skipQueued(): Promise<boolean> {
    if (!this.#queue) return Promise.resolve(true);
    const pending = this.#queue.filter((child) => child.state === 'pending');
    this.#queue = this.#queue.filter((child) => child.state !== 'pending');
    const skipped = this.#storeSkipped(pending);
    this.#skips.push(skipped);
    return skipped;
  }

  async #storeSkipped(children: readonly JobChild[]): Promise<boolean> {
    const { context, job } = this.#run;
    for (const child of children) {
      try {
        await context.store.updateJobChild(job.id, child.position, { state: 'skipped', updatedAt: this.#run.now() });
      } catch {
        return false;
      }
      context.metrics.jobChildren.inc({ action: job.action, state: 'skipped' });
    }
    return true;
  }
}
