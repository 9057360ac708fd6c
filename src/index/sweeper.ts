// The index sweeper: on start and every INDEX_REFRESH_MS it pages through Synapse's room list, then its
// destinations list, one request at a time, paced to INDEX_MAX_UPSTREAM_SHARE of its wall time, and stores
// every page; a complete sweep lets the store drop rows missing from two complete sweeps in a row.
import type { FacadeContext } from '../pipeline/context.ts';
import { everyInterval, type BackgroundTask } from '../internal/background.ts';
import type { IndexKind } from '../store/store.ts';
import { Pacer } from './internal/pacer.ts';
import { sweepList, type SweepEnd, type SweepProgress } from './internal/sweep-list.ts';
import { SWEPT_LISTS, type SweptList } from './internal/swept-lists.ts';
import { IndexSummaryCache } from './summary.ts';

/** How soon the sweeper looks again for an open store, milliseconds (at most INDEX_REFRESH_MS). */
export const STORE_RECHECK_MS = 1_000;

/**
 * How soon a replica that does not sweep asks again to lead, milliseconds (at most INDEX_REFRESH_MS): the replica
 * that swept is gone once PostgreSQL ended its connection, and another one sweeps within this.
 */
export const LEAD_RECHECK_MS = 2_000;

/** The newest sweep of an index that failed; cleared by the next complete one. */
export interface FailedSweep {
  startedAt: number;
  finishedAt: number;
  error: string;
}

/** What the sweeper knows beyond the store; times in milliseconds since the epoch. */
export interface SweeperState {
  /** No FACADE_ADMIN_TOKEN and no verified admin yet: nothing can be swept. */
  waitingForToken: boolean;
  /** When the next pass starts (while waiting: when it looks for a token again); null while one runs. */
  nextSweepAt: number | null;
  inProgress: Partial<Record<IndexKind, SweepProgress>>;
  lastFailure: Partial<Record<IndexKind, FailedSweep>>;
}

/** The running sweeper. */
export interface IndexSweeper extends BackgroundTask {
  /** Asks for a pass now (or right after the one running); resolves when that pass has ended. */
  wake(): Promise<void>;
  readonly state: Readonly<SweeperState>;
  /** The figures read after each pass, which the gauges export. */
  readonly summary: IndexSummaryCache;
}

/**
 * The token a sweep reads Synapse's lists with: FACADE_ADMIN_TOKEN when set, else the token of the admin the
 * gate verified most recently (memory only). Undefined: no sweep is possible until an admin comes by.
 */
export function sweepToken(context: FacadeContext): string | undefined {
  return context.config.facadeAdminToken ?? context.newestAdminToken;
}

/**
 * Starts the sweeper; its first pass runs at once. Without a token a pass only notes the wait, and the next one
 * (INDEX_REFRESH_MS later) looks again: an admin's token is used from then on — a sweep never starts in the middle
 * of that admin's work merely because they arrived.
 */
export function startIndexSweeper(context: FacadeContext): IndexSweeper {
  const { indexRefreshMs: refreshMs, indexMaxUpstreamShare: share } = context.config;
  const state: SweeperState = { waitingForToken: false, nextSweepAt: Date.now(), inProgress: {}, lastFailure: {} };
  const summary = new IndexSummaryCache(context);
  const pacer = new Pacer(share);
  const storeRecheckMs = Math.min(refreshMs, STORE_RECHECK_MS);
  const leadRecheckMs = Math.min(refreshMs, LEAD_RECHECK_MS);
  let summaryReadAt = 0;
  // Callers of wake() not yet served by a pass that started after their call.
  let wakers: Array<() => void> = [];
  let stopped = false;

  async function pass(stopping: AbortSignal): Promise<number> {
    if (!context.store.available) return storeRecheckMs;
    // After a restart the gauges export the stored index before the first sweep ends.
    if (!summary.current) await summary.refresh().catch(() => undefined);
    // One replica of a shared store sweeps; the others read its figures once per INDEX_REFRESH_MS.
    if (!(await context.replicas.lead('index-sweeper'))) {
      if (Date.now() - summaryReadAt >= refreshMs) {
        summaryReadAt = Date.now();
        await summary.refresh().catch(() => undefined);
      }
      return leadRecheckMs;
    }
    const token = sweepToken(context);
    state.waitingForToken = token === undefined;
    if (token === undefined) return refreshMs;
    for (const list of SWEPT_LISTS) {
      if (stopping.aborted) break;
      const end = await sweepOnce(context, list, { token, pacer, signal: stopping, state });
      if (!end.complete && end.tokenRefused) {
        forgetRefusedToken(context, token);
        break;
      }
    }
    await summary.refresh().catch(() => undefined);
    // The pause owed for the last page carries over: a tiny INDEX_REFRESH_MS cannot raise Synapse's share.
    return Math.max(refreshMs, pacer.owedMs);
  }

  const loop = everyInterval(
    async (stopping) => {
      const served = wakers;
      wakers = [];
      state.nextSweepAt = null;
      let next = refreshMs;
      try {
        next = await pass(stopping);
      } finally {
        for (const resolve of served) resolve();
        // A pass asked for while this one ran starts at once; the pacer still holds it to the share.
        if (wakers.length > 0) next = 0;
        state.nextSweepAt = Date.now() + next;
      }
      return next;
    },
    { name: 'index sweeper', intervalMs: refreshMs, logger: context.logger },
  );

  return {
    name: 'index sweeper',
    state,
    summary,
    wake: () =>
      new Promise<void>((resolve) => {
        if (stopped) return resolve();
        wakers.push(resolve);
        // Asked in the next macrotask: a pass that just ended has by then left the loop, which would ignore the
        // call in between (a pass running then sees the waker when it ends, and runs again at once).
        setImmediate(() => loop.wake());
      }),
    async stop() {
      stopped = true;
      await loop.stop();
      for (const resolve of wakers.splice(0)) resolve();
    },
  };
}

/** Synapse refused the token: it is used no more (an admin's is replaced by the next admin verified). */
function forgetRefusedToken(context: FacadeContext, token: string): void {
  if (context.newestAdminToken === token) context.newestAdminToken = undefined;
  context.apiGate.forget(token);
}

/** Runs and records one sweep of `list`; the store's failures are its hook's to log, never the loop's. */
async function sweepOnce(
  context: FacadeContext,
  list: SweptList,
  { token, pacer, signal, state }: { token: string; pacer: Pacer; signal: AbortSignal; state: SweeperState },
): Promise<SweepEnd> {
  const progress: SweepProgress = { startedAt: Date.now(), upstreamRequests: 0, rows: 0 };
  state.inProgress[list.kind] = progress;
  let end: SweepEnd;
  try {
    end = await sweepList(list, { context, token, pacer, signal, progress });
  } finally {
    delete state.inProgress[list.kind];
  }
  const finishedAt = Date.now();
  const fields = { index: list.kind, upstream_requests: progress.upstreamRequests, rows: progress.rows, duration_ms: finishedAt - progress.startedAt };
  if (end.complete) delete state.lastFailure[list.kind];
  else {
    state.lastFailure[list.kind] = { startedAt: progress.startedAt, finishedAt, error: end.error };
    context.logger.warn({ ...fields, error: end.error }, 'index sweep incomplete; nothing removed');
  }
  try {
    const record = await context.store.finishIndexSweep({ kind: list.kind, startedAt: progress.startedAt, finishedAt, complete: end.complete, upstreamRequests: progress.upstreamRequests, rows: progress.rows });
    // A routine sweep is a debug line; one that removed rows says so at info.
    if (end.complete) context.logger[record.removed > 0 ? 'info' : 'debug']({ ...fields, removed: record.removed }, 'index sweep complete');
  } catch {
    // Logged and counted by the store's hook; the rows stored stay, and nothing is removed.
  }
  return end;
}
