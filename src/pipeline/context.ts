// What every request handler needs: config, the upstream pool, the logger and shared state.
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { LogBudget } from '../internal/log-budget.ts';
import type { PendingWork } from '../internal/pending-work.ts';
import type { FacadeMetrics } from '../observability/metrics.ts';
import type { Upstream } from '../upstream/client.ts';
import type { AdminGate } from '../protection/admin-gate.ts';
import type { UpstreamLimiter } from '../protection/limiter.ts';
import type { ResponseCache } from '../protection/response-cache.ts';
import type { SharedGets } from '../protection/shared-get.ts';
import type { WriteTracker } from '../protection/freshness.ts';
import type { DeleteProgress } from '../protection/delete-progress.ts';
import type { ManagedStore } from '../store/open-store.ts';
import type { Replicas } from '../replicas/replicas.ts';

/** A complete upstream answer, as shared between coalesced callers. */
export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /**
   * A 200 whose body fitted its schema, sent for a verified admin (or for a token this very answer proved
   * an admin): the only answers the cache may keep.
   */
  shareable: boolean;
  /**
   * The token the request was sent with, so a coalesced caller never takes another token's 401/403 as its
   * own. Held in memory for the request only; never logged or cached.
   */
  sentWith?: string;
}

/** Shared dependencies of the request pipeline (one per running facade). */
export interface FacadeContext {
  config: Config;
  upstream: Upstream;
  logger: Logger;
  /** Responses that did not fit their schema, by route template. */
  schemaMismatches: Map<string, number>;
  /** Lines a route's mismatches may still write: a Synapse that keeps sending garbage cannot flood the log. */
  mismatchLog: LogBudget;
  /** Mutations in flight by coalescing key: identical concurrent calls share one upstream request. */
  inFlightMutations: Map<string, Promise<UpstreamAnswer>>;
  /**
   * Audited work whose row is not written yet: a mutation from its sending until its row is in the store, and
   * every row being written. A stop waits for it before it closes the store, even when it cut the clients.
   */
  audits: PendingWork;
  /** Synapse's server_name once known (config or whoami). */
  serverName?: string;
  /** The verified-admin gate; absent when VERIFY_ADMINS is false. */
  gate?: AdminGate;
  /**
   * The gate of the facade's own APIs (/_facade/v1): always present, since they are admin-only whatever
   * VERIFY_ADMINS says. The same object as `gate` when that exists.
   */
  apiGate: AdminGate;
  /** The durable store (audit trail, room deletes, jobs); its operations reject while it is unavailable. */
  store: ManagedStore;
  /**
   * The token each unfinished v2 delete was started with, by delete ID, so the delete follower can ask for
   * its status as that admin. In memory only (bounded; never stored or logged): after a restart the follower
   * uses FACADE_ADMIN_TOKEN, or waits for clients' polls.
   */
  deleteTokens: Map<string, string>;
  /**
   * The token of the admin the gate verified most recently (a /_facade/v1 caller, or an owned route's verified
   * caller): the index sweeper reads Synapse's lists with it when FACADE_ADMIN_TOKEN is not set. Memory only
   * (never stored or logged); dropped when Synapse refuses it.
   */
  newestAdminToken?: string;
  /** The shared response cache; absent when disabled or when tokens are not verified. */
  cache?: ResponseCache;
  /** Identical owned GETs in flight. */
  sharedGets: SharedGets<UpstreamAnswer>;
  /** The replicas sharing the store: changes told and heard, who leads the background work. */
  replicas: Replicas;
  /** Writes through the facade: what they make stale, which reads may be stored. */
  freshness: WriteTracker;
  /** The newest delete status served per task, so polls never go backwards. */
  deleteProgress: DeleteProgress;
  /** Bound on concurrent owned-route requests toward Synapse. */
  limiter: UpstreamLimiter;
  /** Prometheus series of this facade. */
  metrics: FacadeMetrics;
}
