// Prometheus metrics of one facade (its own registry, so several facades in one process stay apart).
// Labels carry route templates only, never raw IDs or tokens.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { KeyedCounter, KeyedHistogram } from './keyed-metrics.ts';

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120];

/** Every series the facade exports. */
export interface FacadeMetrics {
  registry: Registry;
  /** Updated on every request: keyed (keyed-metrics.ts), exported as prom-client's would be. */
  requests: KeyedCounter<'route' | 'method' | 'status'>;
  requestDuration: KeyedHistogram<'route' | 'method'>;
  inFlight: Gauge;
  upstreamDuration: KeyedHistogram<'route' | 'method'>;
  upstreamErrors: Counter<'route' | 'kind'>;
  validationRejections: Counter<'route'>;
  schemaMismatches: Counter<'route'>;
  cacheEvents: KeyedCounter<'result'>;
  upstreamQueue: Gauge<'state'>;
  clientAborts: Counter<'route'>;
  storeErrors: Counter<'operation'>;
  auditRows: Counter<'kind'>;
  jobChildren: Counter<'action' | 'state'>;
  deletesFollowed: Counter<'result'>;
  /** Changes told to the other replicas (`sent`), heard from them (`heard`), or that could not be told (`failed`). */
  replicaChanges: Counter<'direction'>;
  /** Hand-backs of memory once quiet (src/memory/handback.ts), and the bytes RSS fell by in them. */
  memoryHandbacks: Counter;
  memoryHandedBackBytes: Counter;
  /** From another replica's write until this replica dropped what it changed, seconds. */
  replicaChangeDelay: Histogram;
  /**
   * Replaces the figures the index gauges export (after each sweep): a scrape reads them, never the database.
   * Until the first call the index gauges export no samples.
   */
  setIndexFigures(figures: IndexFigures): void;
  /**
   * The Prometheus text as UTF-8 bytes, built at most once per `scrapeMaxAgeMs`; concurrent scrapes share one
   * build, and every answer within that time writes the same bytes (no copy per scrape).
   */
  scrape(): Promise<Buffer<ArrayBuffer>>;
}

/** The room and destination index's figures, as the gauges export them; times in milliseconds since the epoch. */
export interface IndexFigures {
  rooms: { total: number; byVersion: Readonly<Record<string, number>>; encrypted: number; public: number; spaces: number; empty: number };
  destinations: { total: number; failing: number; oldestFailureTs: number | null };
  /** When each index's newest complete sweep finished; absent when it never had one. */
  sweptAt: { rooms?: number; destinations?: number };
}

/** Options of createMetrics. */
export interface MetricsOptions {
  /** Values read at scrape time (cache bytes, limiter queue). */
  sample: () => { cacheBytes: number; upstreamRunning: number; upstreamQueued: number; storeUp?: boolean; jobsRunning?: number; replicaListening?: boolean };
  /** Also export Node's process metrics (default true; tests starting many facades turn it off). */
  processMetrics?: boolean;
  /** How long one built text answers scrapes, milliseconds (default 1000): scraping in a loop costs one build a second. */
  scrapeMaxAgeMs?: number;
}

/** Builds the registry's text at most once per `maxAgeMs`; callers during a build wait for that build. */
function cachedScrape(registry: Registry, maxAgeMs: number): () => Promise<Buffer<ArrayBuffer>> {
  let current: { text: Promise<Buffer<ArrayBuffer>>; builtAt: number } | undefined;
  return () => {
    if (current && Date.now() - current.builtAt < maxAgeMs) return current.text;
    const text = registry.metrics().then((built) => Buffer.from(built, 'utf8'));
    const build = { text, builtAt: Number.POSITIVE_INFINITY };
    current = build;
    // The age counts from the end of the build; a failed build is not kept.
    text.then(
      () => (build.builtAt = Date.now()),
      () => {
        if (current === build) current = undefined;
      },
    );
    return text;
  };
}

/** Creates the registry and every series of one facade. */
export function createMetrics({ sample, processMetrics = true, scrapeMaxAgeMs = 1_000 }: MetricsOptions): FacadeMetrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry, prefix: 'facade_' });
  const registers = [registry];
  new Gauge({
    name: 'facade_cache_bytes',
    help: 'Bytes held by the response cache.',
    registers,
    collect() {
      this.set(sample().cacheBytes);
    },
  });
  const upstreamQueue = new Gauge({
    name: 'facade_upstream_slots',
    help: 'Owned-route requests toward Synapse, running or waiting for a slot.',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const { upstreamRunning, upstreamQueued } = sample();
      this.set({ state: 'running' }, upstreamRunning);
      this.set({ state: 'queued' }, upstreamQueued);
    },
  });
  new Gauge({
    name: 'facade_store_up',
    help: '1 when the store (audit trail, deletes, jobs, index) is open and its last operation reached the database, 0 while it is unavailable and retried.',
    registers,
    collect() {
      this.set(sample().storeUp ? 1 : 0);
    },
  });
  new Gauge({
    name: 'facade_replica_listening',
    help: '1 while changes made through other replicas reach this one (always, with the embedded store); 0 while its PostgreSQL connection is lost: the cache and admin verdicts are then unused.',
    registers,
    collect() {
      this.set(sample().replicaListening === false ? 0 : 1);
    },
  });
  new Gauge({
    name: 'facade_jobs_running',
    help: 'Bulk jobs this facade is running now.',
    registers,
    collect() {
      this.set(sample().jobsRunning ?? 0);
    },
  });
  const setIndexFigures = indexGauges(registers);
  return {
    registry,
    upstreamQueue,
    setIndexFigures,
    scrape: cachedScrape(registry, scrapeMaxAgeMs),
    requests: new KeyedCounter({ name: 'facade_http_requests_total', help: 'Requests answered, by route template, method and status.', labelNames: ['route', 'method', 'status'] as const, registers }),
    requestDuration: new KeyedHistogram({ name: 'facade_http_request_duration_seconds', help: 'Time to answer a request, by route template.', labelNames: ['route', 'method'] as const, buckets: LATENCY_BUCKETS, registers }),
    inFlight: new Gauge({ name: 'facade_http_requests_in_flight', help: 'Requests being answered now.', registers }),
    upstreamDuration: new KeyedHistogram({ name: 'facade_upstream_request_duration_seconds', help: 'Time until Synapse answered (headers), by route template.', labelNames: ['route', 'method'] as const, buckets: LATENCY_BUCKETS, registers }),
    upstreamErrors: new Counter({ name: 'facade_upstream_errors_total', help: 'Requests Synapse did not answer: unreachable, timeout or closed (the connection closed without an answer).', labelNames: ['route', 'kind'] as const, registers }),
    validationRejections: new Counter({ name: 'facade_validation_rejections_total', help: 'Requests the facade refused itself (400/404/413/414/431), by route template.', labelNames: ['route'] as const, registers }),
    schemaMismatches: new Counter({ name: 'facade_schema_mismatches_total', help: 'Synapse answers that did not fit their schema (passed through unchanged).', labelNames: ['route'] as const, registers }),
    cacheEvents: new KeyedCounter({ name: 'facade_cache_requests_total', help: 'Owned GETs by cache result: hit, miss or bypass.', labelNames: ['result'] as const, registers }),
    storeErrors: new Counter({ name: 'facade_store_errors_total', help: 'Store operations that failed (open, audit writes, delete tracking, jobs), by operation.', labelNames: ['operation'] as const, registers }),
    auditRows: new Counter({ name: 'facade_audit_rows_total', help: 'Audit rows written, by kind (owned, pass-through, login, job).', labelNames: ['kind'] as const, registers }),
    jobChildren: new Counter({ name: 'facade_job_children_total', help: 'Bulk-job children that reached a final state, by action and state (done, failed, skipped).', labelNames: ['action', 'state'] as const, registers }),
    replicaChanges: new Counter({ name: 'facade_replica_changes_total', help: 'Changes told to the other replicas (sent), heard from them (heard), or not told because PostgreSQL failed (failed).', labelNames: ['direction'] as const, registers }),
    replicaChangeDelay: new Histogram({ name: 'facade_replica_change_delay_seconds', help: "From another replica's write until this replica dropped the reads it made stale.", buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers }),
    deletesFollowed: new Counter({ name: 'facade_delete_follower_polls_total', help: "The delete follower's polls of Synapse, by result (progress, unchanged, gone, error).", labelNames: ['result'] as const, registers }),
    memoryHandbacks: new Counter({ name: 'facade_memory_handbacks_total', help: 'Times the facade, quiet after its RSS grew, collected garbage and handed free memory back.', registers }),
    memoryHandedBackBytes: new Counter({ name: 'facade_memory_handed_back_bytes_total', help: 'Bytes RSS fell by in those hand-backs.', registers }),
    clientAborts: new Counter({ name: 'facade_client_aborts_total', help: 'Requests whose client went away before the answer was complete (mid-upload included), by route template.', labelNames: ['route'] as const, registers }),
  };
}

/**
 * The index gauges (issue 16): each `collect` reads the figures last set, so a scrape costs no query; ages are
 * computed at scrape time. An operator alerts on `facade_index_oldest_failure_age_seconds > 3600`.
 */
function indexGauges(registers: Registry[]): (figures: IndexFigures) => void {
  let current: IndexFigures | undefined;
  const ageSeconds = (ms: number) => Math.max(0, (Date.now() - ms) / 1000);
  new Gauge({
    name: 'facade_index_rooms',
    help: 'Rooms in the index: total, encrypted, public, spaces, empty (no local members).',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      this.reset();
      if (!current) return;
      const { total, encrypted, spaces, empty } = current.rooms;
      for (const [kind, value] of Object.entries({ total, encrypted, public: current.rooms.public, spaces, empty })) this.set({ kind }, value);
    },
  });
  new Gauge({
    name: 'facade_index_rooms_by_version',
    help: 'Rooms in the index by room version (`unknown` when Synapse does not say).',
    labelNames: ['version'] as const,
    registers,
    collect() {
      // Reset first: a version whose last room went away disappears rather than freezing at its old count.
      this.reset();
      for (const [version, count] of Object.entries(current?.rooms.byVersion ?? {})) this.set({ version }, count);
    },
  });
  new Gauge({
    name: 'facade_index_destinations',
    help: 'Federation destinations in the index: total, and failing (Synapse has a failure_ts for them).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset();
      if (!current) return;
      this.set({ state: 'total' }, current.destinations.total);
      this.set({ state: 'failing' }, current.destinations.failing);
    },
  });
  new Gauge({
    name: 'facade_index_oldest_failure_age_seconds',
    help: 'Seconds since the oldest failure_ts of a failing destination began; 0 when none is failing.',
    registers,
    collect() {
      this.reset();
      if (!current) return;
      const oldest = current.destinations.oldestFailureTs;
      this.set(oldest === null ? 0 : ageSeconds(oldest));
    },
  });
  new Gauge({
    name: 'facade_index_age_seconds',
    help: "Seconds since each index's last complete sweep ended (no sample before the first).",
    labelNames: ['index'] as const,
    registers,
    collect() {
      this.reset();
      for (const [index, sweptAt] of Object.entries(current?.sweptAt ?? {})) if (sweptAt !== undefined) this.set({ index }, ageSeconds(sweptAt));
    },
  });
  return (figures) => {
    current = figures;
  };
}
