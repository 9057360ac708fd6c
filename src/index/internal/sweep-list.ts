// One sweep of one list: every page read in order, one request at a time, each through the limiter and paced,
// each stored as it arrives. It is complete only when the last page was read; any failure ends it incomplete.
import { setImmediate } from 'node:timers/promises';
import { parseJsonExact } from '../../internal/exact-json.ts';
import type { FacadeContext } from '../../pipeline/context.ts';
import { isTokenRefusalStatus } from '../../protection/admin-gate.ts';
import type { IndexedItemInput } from '../../store/store.ts';
import type { Pacer } from './pacer.ts';
import { advances, type SweptList, type SweptPage } from './swept-lists.ts';

/** Rows stored per store call: each call blocks the event loop for a few milliseconds at most. */
const STORE_SLICE_ROWS = 200;

/** A sweep's progress so far, updated as pages arrive (the status endpoint shows it while it runs). */
export interface SweepProgress {
  /** Milliseconds since the epoch. */
  startedAt: number;
  upstreamRequests: number;
  /** Items read so far. */
  rows: number;
}

/** How a sweep ended: complete, or why not. `tokenRefused`: Synapse answered 401/403 to its token. */
export type SweepEnd = { complete: true } | { complete: false; error: string; tokenRefused?: boolean };

/** What one sweep works with. The token is held in memory for the sweep only, never logged. */
export interface SweepRun {
  context: FacadeContext;
  token: string;
  pacer: Pacer;
  /** Aborts on shutdown: the pause ends and the request in flight is dropped. */
  signal: AbortSignal;
  progress: SweepProgress;
}

/** Synapse's answer to one page, or why there is none. */
type PageAnswer = { page: SweptPage } | { failed: string; tokenRefused?: boolean };

/** Reads every page of `list`, stores each, and answers how the sweep ended; never throws. */
export async function sweepList(list: SweptList, run: SweepRun): Promise<SweepEnd> {
  const { context, pacer, signal, progress } = run;
  let from = '0';
  const seen = new Set([from]);
  for (;;) {
    if (!(await pacer.ready(signal))) return { complete: false, error: 'stopped (the facade is shutting down)' };
    const answer = await readPage(list, from, run);
    if ('failed' in answer) return { complete: false, error: answer.failed, ...(answer.tokenRefused ? { tokenRefused: true } : {}) };
    const { items, next } = answer.page;
    if (!(await storePage(context, list, items))) return { complete: false, error: 'the store refused the page' };
    progress.rows += items.length;
    if (next === undefined) return { complete: true };
    if (seen.has(next) || !advances(from, next)) return { complete: false, error: `Synapse's next page (${next}) does not move past ${from}` };
    seen.add(next);
    from = next;
  }
}

/**
 * Stores a page in slices, yielding to the event loop between them: the embedded SQLite runs on the main thread,
 * and a 1000-row page in one go would hold every request the facade is serving for tens of milliseconds.
 * Answers false when the store failed (its hook logged and counted why).
 */
async function storePage(context: FacadeContext, list: SweptList, items: IndexedItemInput[]): Promise<boolean> {
  const seenAt = Date.now();
  for (let start = 0; start < items.length; start += STORE_SLICE_ROWS) {
    try {
      await context.store.upsertIndexed(list.kind, items.slice(start, start + STORE_SLICE_ROWS), seenAt);
    } catch {
      return false;
    }
    await setImmediate();
  }
  return true;
}

/** One page request in a limiter slot; only the time Synapse took (not the wait for a slot) counts toward the pace. */
async function readPage(list: SweptList, from: string, { context, token, pacer, signal, progress }: SweepRun): Promise<PageAnswer> {
  let answer: { status: number; body: Buffer };
  try {
    answer = await context.limiter.run(async () => {
      const startedAt = performance.now();
      progress.upstreamRequests += 1;
      try {
        const response = await context.upstream.read({
          method: 'GET',
          path: list.path(from, context.config.indexPageSize),
          headers: { authorization: `Bearer ${token}` },
          signal,
          label: 'index sweep',
        });
        return { status: response.statusCode, body: response.body };
      } finally {
        pacer.spent(performance.now() - startedAt);
      }
    });
  } catch (error) {
    return { failed: `Synapse did not answer page ${from}: ${(error as Error).message}` };
  }
  if (answer.status !== 200) {
    const refused = isTokenRefusalStatus(answer.status);
    return { failed: `Synapse answered ${answer.status} to page ${from}${refused ? ' (it refused the token)' : ''}`, ...(refused ? { tokenRefused: true } : {}) };
  }
  let parsed: unknown;
  try {
    parsed = parseJsonExact(answer.body.toString('utf8'));
  } catch {
    return { failed: `Synapse's page ${from} is not JSON` };
  }
  const page = list.read(parsed);
  return page ? { page } : { failed: `Synapse's page ${from} does not fit the ${list.kind} list's schema` };
}
