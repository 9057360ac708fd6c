// What every request handler needs: config, the upstream pool, the logger and counters.
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Upstream } from '../upstream/client.ts';

/** Shared dependencies of the request pipeline (one per running facade). */
export interface FacadeContext {
  config: Config;
  upstream: Upstream;
  logger: Logger;
  /** Responses that did not fit their schema, by route template. */
  schemaMismatches: Map<string, number>;
}
