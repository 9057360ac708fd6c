// Starts and stops a facade: config, upstream pool, logger, HTTP server.
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import { createApp } from './app.ts';
import { parseConfig, type Config, type ConfigInput } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import type { FacadeContext, UpstreamAnswer } from './pipeline/context.ts';
import { ownedRoutes } from './routes/owned-routes.ts';
import { Upstream } from './upstream/client.ts';
import { createMetrics } from './observability/metrics.ts';
import { AdminGate } from './protection/admin-gate.ts';
import { UpstreamLimiter } from './protection/limiter.ts';
import { ResponseCache } from './protection/response-cache.ts';
import { SharedGets } from './protection/shared-get.ts';
import { WriteTracker } from './protection/freshness.ts';
import { DeleteProgress } from './protection/delete-progress.ts';

/** A running facade. */
export interface RunningFacade {
  /** http://host:port of the listening socket. */
  url: string;
  config: Config;
  context: FacadeContext;
  /**
   * Graceful stop: stops accepting connections, lets requests in flight finish (at most
   * SHUTDOWN_TIMEOUT_MS, then cuts what is left), closes the upstream pool. Resolves to how many
   * requests had to be cut (0 when everything finished).
   */
  close(): Promise<number>;
}

/** Options for startFacade. */
export interface StartOptions {
  /** Logger to use; default a pino logger at config.logLevel on stdout. */
  logger?: Logger;
  /** Export Node's process metrics too (default true). */
  processMetrics?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops accepting, drains requests in flight within the configured bound, then closes the pool. */
async function stopGracefully(server: ReturnType<typeof createAdaptorServer>, context: FacadeContext): Promise<number> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const deadline = Date.now() + context.config.shutdownTimeoutMs;
  const inFlight = async () => (await context.metrics.inFlight.get()).values[0]?.value ?? 0;
  // Keep-alive connections that finish their request are closed as they go idle.
  while ((await inFlight()) > 0 && Date.now() < deadline) {
    if ('closeIdleConnections' in server) server.closeIdleConnections();
    await sleep(25);
  }
  const cut = await inFlight();
  if ('closeAllConnections' in server) server.closeAllConnections();
  await closed;
  await context.upstream.close();
  return cut;
}

/** Starts a facade listening on config.host:config.port (port 0 picks a free one). */
export async function startFacade(
  input: ConfigInput | Config,
  { logger, processMetrics = true }: StartOptions = {},
): Promise<RunningFacade> {
  const config = parseConfig(input);
  const limiter = new UpstreamLimiter({ maxConcurrency: config.upstreamMaxConcurrency, queueTimeoutMs: config.upstreamQueueTimeoutMs });
  // The cache is shared by all callers, so it only exists when every caller is a verified admin.
  const cache =
    config.verifyAdmins && config.cacheMaxBytes > 0
      ? new ResponseCache({
          maxBytes: config.cacheMaxBytes,
          ttlMs: { list: config.cacheTtlListMs, details: config.cacheTtlDetailsMs, status: config.cacheTtlStatusMs },
        })
      : undefined;
  const metrics = createMetrics({
    processMetrics,
    sample: () => ({ cacheBytes: cache?.size ?? 0, upstreamRunning: limiter.running, upstreamQueued: limiter.queued }),
  });
  const upstream = new Upstream({
    onAnswered: (route, method, seconds) => metrics.upstreamDuration.observe({ route, method }, seconds),
    onFailed: (route, kind) => metrics.upstreamErrors.inc({ route, kind }),
    synapseUrl: config.synapseUrl,
    connectTimeoutMs: config.upstreamConnectTimeoutMs,
    headersTimeoutMs: config.upstreamHeadersTimeoutMs,
    bodyTimeoutMs: config.upstreamBodyTimeoutMs,
    connections: config.upstreamConnections,
  });
  const gate = config.verifyAdmins ? new AdminGate({ verdictTtlMs: config.adminVerdictTtlMs }) : undefined;
  const context: FacadeContext = {
    config,
    metrics,
    upstream,
    limiter,
    logger: logger ?? createLogger(config.logLevel),
    schemaMismatches: new Map(),
    inFlightMutations: new Map(),
    sharedGets: new SharedGets<UpstreamAnswer>(),
    freshness: new WriteTracker({ cache, gate, settleMs: config.cacheSettleMs }),
    deleteProgress: new DeleteProgress(),
    ...(gate ? { gate } : {}),
    ...(cache ? { cache } : {}),
  };
  const app = createApp(context, ownedRoutes);
  // Hono answers HEAD by running the GET handler and wrapping its result in a new Response, which hides the
  // "already sent" marker and made @hono/node-server write headers twice. The handlers read the real method
  // from the Node request, so HEAD is dispatched as GET here.
  const fetch = (request: Request, env: HttpBindings | Http2Bindings) =>
    app.fetch(request.method === 'HEAD' ? new Request(request.url, { method: 'GET', headers: request.headers }) : request, env);
  const server = createAdaptorServer({ fetch });
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
    close: () => stopGracefully(server, context),
  };
}
