// Starts and stops a facade: config, upstream pool, logger, HTTP server.
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createApp } from './app.ts';
import { parseConfig, type Config, type ConfigInput } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import type { FacadeContext } from './pipeline/context.ts';
import { ownedRoutes } from './routes/owned-routes.ts';
import { Upstream } from './upstream/client.ts';
import { AdminGate } from './pipeline/admin-gate.ts';
import { UpstreamLimiter } from './pipeline/limiter.ts';
import { ResponseCache } from './pipeline/response-cache.ts';
import { SharedGets } from './pipeline/shared-get.ts';

/** A running facade. */
export interface RunningFacade {
  /** http://host:port of the listening socket. */
  url: string;
  config: Config;
  context: FacadeContext;
  /** Stops accepting, waits for requests in flight, closes the upstream pool. */
  close(): Promise<void>;
}

/** Options for startFacade. */
export interface StartOptions {
  /** Logger to use; default a pino logger at config.logLevel on stdout. */
  logger?: Logger;
}

/** Starts a facade listening on config.host:config.port (port 0 picks a free one). */
export async function startFacade(input: ConfigInput | Config, { logger }: StartOptions = {}): Promise<RunningFacade> {
  const config = parseConfig(input);
  const upstream = new Upstream({
    synapseUrl: config.synapseUrl,
    connectTimeoutMs: config.upstreamConnectTimeoutMs,
    headersTimeoutMs: config.upstreamHeadersTimeoutMs,
    bodyTimeoutMs: config.upstreamBodyTimeoutMs,
    connections: config.upstreamConnections,
  });
  const context: FacadeContext = {
    config,
    upstream,
    logger: logger ?? createLogger(config.logLevel),
    schemaMismatches: new Map(),
    inFlightMutations: new Map(),
    sharedGets: new SharedGets(),
    limiter: new UpstreamLimiter({ maxConcurrency: config.upstreamMaxConcurrency, queueTimeoutMs: config.upstreamQueueTimeoutMs }),
    ...(config.verifyAdmins ? { gate: new AdminGate({ verdictTtlMs: config.adminVerdictTtlMs }) } : {}),
    // The cache is shared by all callers, so it only exists when every caller is a verified admin.
    ...(config.verifyAdmins && config.cacheMaxBytes > 0
      ? {
          cache: new ResponseCache({
            maxBytes: config.cacheMaxBytes,
            ttlMs: { list: config.cacheTtlListMs, details: config.cacheTtlDetailsMs, status: config.cacheTtlStatusMs },
          }),
        }
      : {}),
  };
  const app = createApp(context, ownedRoutes);
  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  context.config = { ...config, port };
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    config: context.config,
    context,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
    },
  };
}
