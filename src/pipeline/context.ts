// What every request handler needs: config, the upstream pool, the logger and shared state.
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { FacadeMetrics } from '../observability/metrics.ts';
import type { Upstream } from '../upstream/client.ts';
import type { AdminGate } from '../protection/admin-gate.ts';
import type { UpstreamLimiter } from '../protection/limiter.ts';
import type { ResponseCache } from '../protection/response-cache.ts';
import type { SharedGets } from '../protection/shared-get.ts';

/** A complete upstream answer, as shared between coalesced callers. */
export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Shared dependencies of the request pipeline (one per running facade). */
export interface FacadeContext {
  config: Config;
  upstream: Upstream;
  logger: Logger;
  /** Responses that did not fit their schema, by route template. */
  schemaMismatches: Map<string, number>;
  /** Mutations in flight by coalescing key: identical concurrent calls share one upstream request. */
  inFlightMutations: Map<string, Promise<UpstreamAnswer>>;
  /** Synapse's server_name once known (config or whoami). */
  serverName?: string;
  /** The verified-admin gate; absent when VERIFY_ADMINS is false. */
  gate?: AdminGate;
  /** The shared response cache; absent when disabled or when tokens are not verified. */
  cache?: ResponseCache;
  /** Identical owned GETs in flight. */
  sharedGets: SharedGets<UpstreamAnswer>;
  /** Bound on concurrent owned-route requests toward Synapse. */
  limiter: UpstreamLimiter;
  /** Prometheus series of this facade. */
  metrics: FacadeMetrics;
}
