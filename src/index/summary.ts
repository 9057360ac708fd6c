// The index's figures (rooms by version, encrypted, public, spaces, empty; destinations failing, oldest failure):
// read from the store after each sweep and kept, so the Prometheus gauges read them at scrape time.
import type { IndexSummaryOut } from '../../schemas/index-status.ts';
import type { IndexFigures } from '../observability/metrics.ts';
import type { FacadeContext } from '../pipeline/context.ts';
import type { IndexKind, IndexSummary, SweepRecord } from '../store/store.ts';

/** The figures at one moment, with the newest complete sweep of each index. */
export interface IndexSnapshot {
  summary: IndexSummary;
  lastSweeps: Readonly<Record<IndexKind, SweepRecord | undefined>>;
  /** When it was read, milliseconds since the epoch. */
  takenAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Whole seconds from `ms` to `now`, never negative (clocks of two hosts may disagree). */
export const ageSeconds = (ms: number, now: number): number => Math.max(0, Math.floor((now - ms) / 1000));

/** The newest figures of one facade's index. */
export class IndexSummaryCache {
  readonly #context: FacadeContext;
  #current: IndexSnapshot | undefined;

  constructor(context: FacadeContext) {
    this.#context = context;
  }

  /** The figures last read; undefined before the first read. */
  get current(): IndexSnapshot | undefined {
    return this.#current;
  }

  /** Reads the figures from the store and hands them to the gauges; rejects when the store does. */
  async refresh(): Promise<IndexSnapshot> {
    const { store } = this.#context;
    const [summary, rooms, destinations] = await Promise.all([store.indexSummary(), store.lastIndexSweep('rooms'), store.lastIndexSweep('destinations')]);
    const snapshot: IndexSnapshot = { summary, lastSweeps: { rooms, destinations }, takenAt: Date.now() };
    this.#current = snapshot;
    this.#context.metrics.setIndexFigures(figuresOf(snapshot));
    return snapshot;
  }
}

/** What the gauges export of a snapshot. */
function figuresOf({ summary, lastSweeps }: IndexSnapshot): IndexFigures {
  const sweptAt: IndexFigures['sweptAt'] = {};
  if (lastSweeps.rooms) sweptAt.rooms = lastSweeps.rooms.finishedAt;
  if (lastSweeps.destinations) sweptAt.destinations = lastSweeps.destinations.finishedAt;
  return { rooms: summary.rooms, destinations: summary.destinations, sweptAt };
}

/** A snapshot as GET /_facade/v1/summary answers it, ages counted to `now`. */
export function summaryJson({ summary, lastSweeps }: IndexSnapshot, now = Date.now()): IndexSummaryOut {
  const { rooms, destinations } = summary;
  const oldest = destinations.oldestFailureTs;
  const ageOf = (sweep: SweepRecord | undefined) => ({
    last_complete_sweep: sweep ? iso(sweep.finishedAt) : null,
    age_s: sweep ? ageSeconds(sweep.finishedAt, now) : null,
  });
  return {
    rooms: { total: rooms.total, by_version: rooms.byVersion, encrypted: rooms.encrypted, public: rooms.public, spaces: rooms.spaces, empty: rooms.empty },
    destinations: {
      total: destinations.total,
      failing: destinations.failing,
      oldest_failure_ts: oldest,
      oldest_failure: oldest === null ? null : iso(oldest),
      oldest_failure_age_s: oldest === null ? null : ageSeconds(oldest, now),
    },
    index: { rooms: ageOf(lastSweeps.rooms), destinations: ageOf(lastSweeps.destinations) },
  };
}
