// Starts and stops a facade: config, upstream pool, logger, HTTP server.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener, RequestError, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import { createApp } from './app.ts';
import { facadeErrors } from './errors.ts';
import { parseConfig, replicaIdOf, type Config, type ConfigInput } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import type { FacadeContext, UpstreamAnswer } from './pipeline/context.ts';
import { ownedRoutes } from './routes/owned-routes.ts';
import { Upstream } from './upstream/client.ts';
import { createMetrics, type FacadeMetrics } from './observability/metrics.ts';
import { RequestIdResponse } from './observability/request-log.ts';
import { AdminGate } from './protection/admin-gate.ts';
import { UpstreamLimiter } from './protection/limiter.ts';
import { ResponseCache } from './protection/response-cache.ts';
import { SharedGets } from './protection/shared-get.ts';
import { WriteTracker } from './protection/freshness.ts';
import { DeleteProgress } from './protection/delete-progress.ts';
import { LogBudget } from './internal/log-budget.ts';
import { PendingWork } from './internal/pending-work.ts';
import { flowControlled, type FlowControl } from './protection/connection-flow.ts';
import { answerClientError, hostHeaderProblem, rejectRequest, requestTargetProblem, requestTargetRefusal } from './http-layer-rejections.ts';
import { synapseListener } from './synapse-listener.ts';
import { originFormTarget } from './internal/query.ts';
import { JSON_HEADERS } from './pipeline/respond.ts';
import { openStore } from './store/open-store.ts';
import { startBackgroundWork } from './jobs/start.ts';
import type { BackgroundTask } from './internal/background.ts';
import type { JobRunner } from './jobs/runner.ts';
import type { IndexSweeper } from './index/sweeper.ts';
import { singleReplica, type Replicas } from './replicas/replicas.ts';
import { startPostgresReplicas } from './replicas/postgres-replicas.ts';
import { MemoryHandback, memoryReducingCollection } from './memory/handback.ts';
import { loadMallocTrim } from './memory/malloc-trim.ts';

/** A running facade. */
export interface RunningFacade {
  /** http://host:port of the listening socket. */
  url: string;
  config: Config;
  context: FacadeContext;
  /** The bulk-job runner (also driven over /_facade/v1/jobs). */
  jobs: JobRunner;
  /** The index sweeper (its `wake()` asks for a sweep now). */
  index: IndexSweeper;
  /**
   * Graceful stop: stops accepting connections, lets requests in flight finish (at most
   * SHUTDOWN_TIMEOUT_MS, then cuts what is left), closes the upstream pool. Resolves to how many
   * requests had to be cut (0 when everything finished).
   */
  close(): Promise<number>;
  /**
   * Ends the drain of a stop under way now (an operator's second signal): what is still running is cut, as when
   * SHUTDOWN_TIMEOUT_MS has passed, and the rest of the stop (background work, pool, store) runs as usual.
   */
  cutNow(): void;
}

/** Options for startFacade. */
export interface StartOptions {
  /** Logger to use; default a pino logger at config.logLevel on stdout. */
  logger?: Logger;
  /** Export Node's process metrics too (default true). */
  processMetrics?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Longest start-up wait for the first attempt to open the store; without it the facade serves (and retries). */
const STORE_OPEN_WAIT_MS = 2_000;

/**
 * Stops accepting, drains requests in flight (and those waiting on their connection) within the bound, or until
 * `cutShort` is aborted (RunningFacade.cutNow), stops the background work, waits for the audit rows still being
 * written, then closes the pool and the store.
 */
async function stopGracefully(
  server: Server,
  flow: FlowControl,
  context: FacadeContext,
  background: readonly BackgroundTask[],
  cutShort: AbortSignal,
): Promise<number> {
  // The stop waits on unreferenced timers (the drain's pauses below, the background loops' own): once the last
  // connection has closed, nothing else may hold the event loop, and Node would end the process with code 0 in the
  // middle of the stop, without the stopped line and with the store and the pool never closed. This referenced
  // timer holds the process up until the stop has ended.
  const holdOpen = setInterval(() => {}, 60_000);
  try {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const deadline = Date.now() + context.config.shutdownTimeoutMs;
    const pending = async () => ((await context.metrics.inFlight.get()).values[0]?.value ?? 0) + flow.queued;
    // Keep-alive connections that finish their request are closed as they go idle.
    while ((await pending()) > 0 && Date.now() < deadline && !cutShort.aborted) {
      server.closeIdleConnections();
      await sleep(25);
    }
    const cut = await pending();
    server.closeAllConnections();
    await closed;
    await Promise.all(background.map((task) => task.stop()));
    // Mutations Synapse is still working on were never aborted: their rows are written before the store closes.
    await context.audits.settled();
    await context.upstream.close();
    await context.replicas.close();
    await context.store.close();
    return cut;
  } finally {
    clearInterval(holdOpen);
  }
}

/** The facade's own namespace, served by Hono; everything else is a Synapse path. */
const isFacadePath = (target: string) => target.startsWith('/_facade') && (target.length === 8 || '/?'.includes(target[8]!));

/**
 * The Node request listener: Synapse paths straight to their handler, the facade's own endpoints through Hono's
 * adapter, both behind the per-connection flow control, with every request the HTTP layer refuses (a bad Host, a
 * target that is not a URL) answered as a Matrix error.
 */
function requestListener(app: ReturnType<typeof createApp>, context: FacadeContext, handback: MemoryHandback): FlowControl {
  // Hono answers HEAD by running the GET handler and wrapping its result in a new Response, which hides the
  // "already sent" marker and made @hono/node-server write headers twice. The handlers read the real method
  // from the Node request, so HEAD is dispatched as GET here.
  const fetch = (request: Request, env: HttpBindings | Http2Bindings) =>
    app.fetch(request.method === 'HEAD' ? new Request(request.url, { method: 'GET', headers: request.headers }) : request, env);
  // The adapter reports a request it cannot build (RequestError) to errorHandler, synchronously and without the
  // Node objects: `dispatching` names them for that moment.
  let dispatching: [IncomingMessage, ServerResponse] | undefined;
  const honoListener = getRequestListener(fetch, {
    hostname: 'localhost',
    errorHandler: (error) => {
      if (dispatching && error instanceof RequestError) {
        rejectRequest(context, ...dispatching, requestTargetRefusal(error.message));
        return undefined;
      }
      const internal = facadeErrors.internal();
      return new Response(JSON.stringify(internal.toBody()), { status: internal.status, headers: JSON_HEADERS });
    },
  });
  const synapse = synapseListener(context, ownedRoutes);
  return flowControlled((incoming, outgoing) => {
    handback.noteRequest();
    const problem = hostHeaderProblem(incoming) ?? requestTargetProblem(incoming);
    if (problem) return rejectRequest(context, incoming, outgoing, problem);
    const target = originFormTarget(incoming.url ?? '/');
    if (!isFacadePath(target)) return synapse(incoming, outgoing, target);
    dispatching = [incoming, outgoing];
    try {
      return honoListener(incoming, outgoing);
    } finally {
      dispatching = undefined;
    }
  });
}

/**
 * The replicas of this facade's store: with DATABASE_URL, every replica on that PostgreSQL (LISTEN/NOTIFY, advisory
 * locks); without, this process alone.
 */
function startReplicas(config: Config, logger: Logger, metrics: FacadeMetrics): Replicas & { firstAttempt: Promise<void> } {
  const replicaId = replicaIdOf(config);
  if (!config.databaseUrl) return { ...singleReplica(replicaId), firstAttempt: Promise.resolve() };
  return startPostgresReplicas({
    url: config.databaseUrl,
    replicaId,
    logger,
    onSent: () => metrics.replicaChanges.inc({ direction: 'sent' }),
    onHeard: (delayMs) => {
      metrics.replicaChanges.inc({ direction: 'heard' });
      metrics.replicaChangeDelay.observe(Math.max(0, delayMs) / 1000);
    },
    onPublishFailed: () => metrics.replicaChanges.inc({ direction: 'failed' }),
  });
}

/**
 * The hand-back of memory once quiet (MEMORY_HANDBACK_QUIET_MS); node:ffi, which prints an ExperimentalWarning, is
 * only loaded when it is on. Says at start what it can do.
 */
function startMemoryHandback(config: Config, logger: Logger, metrics: FacadeMetrics): MemoryHandback {
  const on = config.memoryHandbackQuietMs > 0;
  const mallocTrim = on ? loadMallocTrim() : { unavailable: 'off' };
  const collect = memoryReducingCollection();
  const handback = new MemoryHandback({
    quietMs: config.memoryHandbackQuietMs,
    growthBytes: config.memoryHandbackGrowthMb * 1024 * 1024,
    collect,
    trim: 'trim' in mallocTrim ? mallocTrim.trim : undefined,
    logger,
    onHandedBack: (bytes) => {
      metrics.memoryHandbacks.inc();
      metrics.memoryHandedBackBytes.inc(bytes);
    },
  });
  if (on) {
    const trim = 'trim' in mallocTrim ? 'malloc_trim' : mallocTrim.unavailable;
    logger.info({ collect: collect ? 'gc' : 'none: Node started without --expose-gc', trim, quietMs: config.memoryHandbackQuietMs }, 'memory hand-back');
  }
  return handback;
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
  let jobsRunning = () => 0;
  const metrics = createMetrics({
    processMetrics,
    sample: () => ({
      cacheBytes: cache?.size ?? 0,
      upstreamRunning: limiter.running,
      upstreamQueued: limiter.queued,
      storeUp: store.reachable,
      jobsRunning: jobsRunning(),
      replicaListening: replicas.listening,
    }),
  });
  const log = logger ?? createLogger(config.logLevel);
  // Errors name the operation only: a row's values (which never hold a token) stay out of the log too.
  const store = openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    queryTimeoutMs: config.databaseQueryTimeoutMs,
    onError: (operation, error) => {
      metrics.storeErrors.inc({ operation });
      log.error({ operation, err: error }, 'store operation failed');
    },
  });
  const replicas = startReplicas(config, log, metrics);
  await Promise.race([Promise.all([store.firstAttempt, replicas.firstAttempt]), sleep(STORE_OPEN_WAIT_MS)]);
  const upstream = new Upstream({
    onAnswered: (route, method, seconds) => metrics.upstreamDuration.observe({ route, method }, seconds),
    onFailed: (route, kind) => metrics.upstreamErrors.inc({ route, kind }),
    synapseUrl: config.synapseUrl,
    connectTimeoutMs: config.upstreamConnectTimeoutMs,
    headersTimeoutMs: config.upstreamHeadersTimeoutMs,
    bodyTimeoutMs: config.upstreamBodyTimeoutMs,
    connections: config.upstreamConnections,
  });
  const apiGate = new AdminGate({ verdictTtlMs: config.adminVerdictTtlMs });
  const gate = config.verifyAdmins ? apiGate : undefined;
  const context: FacadeContext = {
    config,
    metrics,
    upstream,
    limiter,
    logger: log,
    apiGate,
    store,
    deleteTokens: new Map(),
    schemaMismatches: new Map(),
    mismatchLog: new LogBudget(),
    inFlightMutations: new Map(),
    audits: new PendingWork(),
    sharedGets: new SharedGets<UpstreamAnswer>(),
    replicas,
    freshness: new WriteTracker({ cache, gate, settleMs: config.cacheSettleMs, publish: (change) => replicas.publish(change) }),
    deleteProgress: new DeleteProgress(),
    ...(gate ? { gate } : {}),
    ...(cache ? { cache } : {}),
  };
  // Another replica's change drops the same reads here; while this one cannot hear them, it serves nothing cached.
  replicas.onChange((heard) => context.freshness.applyHeard(heard.change));
  replicas.onListening((listening) => context.freshness.setListening(listening));
  if (!replicas.listening) context.freshness.setListening(false);
  const background = startBackgroundWork(context);
  jobsRunning = () => background.jobs.running;
  const handback = startMemoryHandback(config, log, metrics);
  const flow = requestListener(createApp(context, { jobs: background.jobs, index: background.index }), context, handback);
  // Node's own bare 400 for a missing Host is replaced by the facade's Matrix one (hostHeaderProblem).
  const server = createServer({ requireHostHeader: false, ServerResponse: RequestIdResponse }, flow.listener);
  // Typed as a Duplex for HTTP/2's sake; a node:http server's sockets are net.Sockets.
  server.on('clientError', (error: Error, socket) => answerClientError(context, error, socket as Socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  context.config = { ...config, port };
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const cut = new AbortController();
  return {
    url: `http://${host}:${port}`,
    config: context.config,
    context,
    jobs: background.jobs,
    index: background.index,
    close: () => stopGracefully(server, flow, context, [...background.tasks, handback], cut.signal),
    cutNow: () => cut.abort(),
  };
}
