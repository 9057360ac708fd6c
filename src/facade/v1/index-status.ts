// GET /_facade/v1/index: each index's rows, its last complete sweep, the sweep running now, the next sweep, and
// whether the sweeper waits for a token.
import { indexStatusOut, type IndexStatusOut } from '../../../schemas/index-status.ts';
import type { IndexSweeper } from '../../index/sweeper.ts';
import { ageSeconds } from '../../index/summary.ts';
import type { FacadeContext } from '../../pipeline/context.ts';
import { fromStore } from '../../pipeline/store-answer.ts';
import type { IndexKind } from '../../store/store.ts';
import { defineFacadeApi, type FacadeApi } from './declare.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** One index's part of the answer: the store's rows and sweep log, the sweeper's memory. */
async function indexState(context: FacadeContext, sweeper: IndexSweeper, kind: IndexKind, now: number): Promise<IndexStatusOut['rooms']> {
  const [rows, last] = await fromStore(() => Promise.all([context.store.countIndex(kind, {}), context.store.lastIndexSweep(kind)]));
  const { inProgress, lastFailure, nextSweepAt, waitingForToken } = sweeper.state;
  const running = inProgress[kind];
  const failed = lastFailure[kind];
  return {
    rows,
    age_s: last ? ageSeconds(last.finishedAt, now) : null,
    last_complete_sweep: last
      ? {
          started: iso(last.startedAt),
          finished: iso(last.finishedAt),
          duration_ms: last.finishedAt - last.startedAt,
          upstream_requests: last.upstreamRequests,
          rows: last.rows,
          removed: last.removed,
        }
      : null,
    sweep_in_progress: running ? { started: iso(running.startedAt), upstream_requests: running.upstreamRequests, rows: running.rows } : null,
    last_failed_sweep: failed ? { started: iso(failed.startedAt), finished: iso(failed.finishedAt), error: failed.error } : null,
    next_sweep: nextSweepAt === null ? null : iso(nextSweepAt),
    waiting_for_token: waitingForToken,
  };
}

/** The index status endpoint. */
export function indexStatusApis(context: FacadeContext, sweeper: IndexSweeper): FacadeApi[] {
  return [
    defineFacadeApi({
      method: 'get',
      path: '/_facade/v1/index',
      tag: 'Facade: index',
      summary: 'The room and destination index: rows, sweeps, and the next sweep',
      description:
        "The sweeper pages through Synapse's room list, then its destinations list, on start and every INDEX_REFRESH_MS, " +
        'one request at a time, pausing so that Synapse serves it at most INDEX_MAX_UPSTREAM_SHARE of the time. A row ' +
        'missing from two complete sweeps in a row is removed; a sweep that fails part-way removes nothing. It reads ' +
        'with FACADE_ADMIN_TOKEN, else with the token of the admin verified most recently (kept in memory only); with ' +
        'neither, `waiting_for_token` is true, and the first sweep after an admin uses the facade reads with their token. ' +
        'Replicas sharing a PostgreSQL store sweep one at a time (`sweeping_replica`); `next_sweep` and a sweep in ' +
        'progress are those of the replica that answered.',
      response: indexStatusOut,
      errors: [],
      handle: async (c) => {
        const now = Date.now();
        const { config } = context;
        const body: IndexStatusOut = {
          rooms: await indexState(context, sweeper, 'rooms', now),
          destinations: await indexState(context, sweeper, 'destinations', now),
          refresh_ms: config.indexRefreshMs,
          max_upstream_share: config.indexMaxUpstreamShare,
          page_size: config.indexPageSize,
          replica: context.replicas.replicaId,
          sweeping_replica: (await context.replicas.leader('index-sweeper')) ?? null,
        };
        return c.json(body);
      },
    }),
  ];
}
