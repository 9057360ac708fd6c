// Delete statuses never go backwards: the newest status the facade has served for a delete task is kept,
// and an older one (a cached or coalesced answer, a lagging worker) is replaced by it.
import { LRUCache } from 'lru-cache';
import { parseJsonExact } from '../internal/exact-json.ts';
import { jsonBytes } from '../internal/json-bytes.ts';

/** Order of a task's life: scheduled → active → complete or failed (or cancelled). Unknown names rank as active. */
const RANK: Readonly<Record<string, number>> = { scheduled: 0, active: 1, complete: 2, failed: 2, cancelled: 2 };
const FINAL = 2;

type Task = Record<string, unknown> & { delete_id?: unknown; room_id?: unknown; status?: unknown };

/** What applying the guard to one answer gives. */
export interface Progressed {
  /** The answer to send: the same bytes when nothing was older than known. */
  body: Buffer;
  /** Rooms whose deletion the facade sees finished for the first time (their cached reads are stale). */
  finished: string[];
}

/** Remembers the newest status of each delete task served (bounded; a forgotten task is simply re-learnt). */
export class DeleteProgress {
  readonly #newest = new LRUCache<string, { rank: number; task: Task }>({ max: 10_000 });

  /** Applies the guard to a normalised delete-status answer: one task, or `{ results: [tasks] }`. */
  apply(body: Buffer): Progressed {
    let parsed: unknown;
    try {
      // Exact numbers: a rewritten answer keeps every number as Synapse wrote it (issue 10 #4).
      parsed = parseJsonExact(body.toString('utf8'));
    } catch {
      return { body, finished: [] };
    }
    if (!parsed || typeof parsed !== 'object') return { body, finished: [] };
    const finished: string[] = [];
    let changed = false;
    const advance = (task: Task): Task => {
      const { delete_id: deleteId, status, room_id: roomId } = task;
      if (typeof deleteId !== 'string' || typeof status !== 'string') return task;
      const rank = RANK[status] ?? 1;
      const known = this.#newest.get(deleteId);
      if (known && known.rank > rank) {
        changed = true;
        return known.task;
      }
      if (!known || rank > known.rank) {
        this.#newest.set(deleteId, { rank, task });
        if (rank === FINAL && typeof roomId === 'string') finished.push(roomId);
      }
      return task;
    };
    const results = (parsed as { results?: unknown }).results;
    const next = Array.isArray(results)
      ? { ...parsed, results: results.map((task: Task) => (task && typeof task === 'object' ? advance(task) : task)) }
      : advance(parsed as Task);
    return { body: changed ? jsonBytes(next) : body, finished };
  }
}
