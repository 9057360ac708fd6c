// Facade configuration from environment variables, validated with Zod at start-up.
import { hostname } from 'node:os';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
/** Node's longest timer, ms: a longer one runs after 1 ms instead (with a TimeoutOverflowWarning). */
const TIMER_MAX_MS = 2_147_483_647;
const timerMs = (min: number) => z.coerce.number().int().min(min).max(TIMER_MAX_MS, `must be at most ${TIMER_MAX_MS} (Node's longest timer)`);
const positiveMs = timerMs(1);

/** Every setting, its environment variable and its default. Documented in README.md. */
export const configSchema = z.object({
  /** SYNAPSE_URL: base URL of the upstream Synapse (main process). Default http://127.0.0.1:8008. */
  synapseUrl: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8008'),
  /** HOST: address to listen on. Default 127.0.0.1. */
  host: z.string().min(1).default('127.0.0.1'),
  /** PORT: port to listen on. Default 8009. */
  port: port.default(8009),
  /** PUBLIC_BASEURL: the facade's own public URL, served in /.well-known/matrix/client. Default http://HOST:PORT. */
  publicBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** UPSTREAM_CONNECT_TIMEOUT_MS: TCP connect timeout toward Synapse. Default 5000. */
  upstreamConnectTimeoutMs: positiveMs.default(5_000),
  /** UPSTREAM_HEADERS_TIMEOUT_MS: time for Synapse to send response headers. Default 60000. */
  upstreamHeadersTimeoutMs: positiveMs.default(60_000),
  /** UPSTREAM_BODY_TIMEOUT_MS: longest pause between response body chunks. Default 60000. */
  upstreamBodyTimeoutMs: positiveMs.default(60_000),
  /** UPSTREAM_LONG_TIMEOUT_MS: headers timeout of the synchronous v1 room DELETE, which can run for minutes. Default 1800000 (30 min). */
  upstreamLongTimeoutMs: positiveMs.default(1_800_000),
  /** MAX_BODY_BYTES: largest JSON body accepted on owned mutation routes; larger → 413 M_TOO_LARGE. Default 65536. */
  maxBodyBytes: z.coerce.number().int().positive().default(65_536),
  /** SYNAPSE_SERVER_NAME: Synapse's server_name; when unset it is learnt from the caller's whoami when first needed. */
  synapseServerName: z.string().min(1).optional(),
  /** UPSTREAM_CONNECTIONS: keep-alive connections in the pool toward Synapse. Default 64. */
  upstreamConnections: z.coerce.number().int().positive().default(64),
  /**
   * VERIFY_ADMINS: verify each token against Synapse (whoami, then the admin flag) before an owned route.
   * Required for the shared response cache (without it the cache is off). Default true.
   */
  verifyAdmins: z
    .union([z.boolean(), z.enum(['true', 'false'])])
    .default(true)
    .transform((value) => value === true || value === 'true'),
  /** ADMIN_VERDICT_TTL_MS: how long a verification verdict is kept (by token hash). Default 30000. */
  adminVerdictTtlMs: z.coerce.number().int().min(0).default(30_000),
  /** CACHE_MAX_BYTES: response cache size for owned GETs (serialised bytes). 0 disables it. Default 64 MiB. */
  cacheMaxBytes: z.coerce.number().int().min(0).default(64 * 1024 * 1024),
  /** CACHE_TTL_LIST_MS: TTL of cached lists (rooms, destinations, members, state, destination rooms). Default 5000. */
  cacheTtlListMs: z.coerce.number().int().min(0).default(5_000),
  /** CACHE_TTL_DETAILS_MS: TTL of cached details (room, destination, forward extremities). Default 15000. */
  cacheTtlDetailsMs: z.coerce.number().int().min(0).default(15_000),
  /** CACHE_TTL_STATUS_MS: TTL of cached block and delete statuses. Default 2000. */
  cacheTtlStatusMs: z.coerce.number().int().min(0).default(2_000),
  /**
   * CACHE_SETTLE_MS: after a write through the facade, what it can change is read from Synapse (never from
   * or into the cache) for this long, covering the work Synapse finishes in the background (v2 purges,
   * a deactivated user leaving rooms). Default 5000.
   */
  cacheSettleMs: z.coerce.number().int().min(0).default(5_000),
  /** UPSTREAM_MAX_CONCURRENCY: most owned-route requests in flight toward Synapse at once. Default 32. */
  upstreamMaxConcurrency: z.coerce.number().int().positive().default(32),
  /** UPSTREAM_QUEUE_TIMEOUT_MS: longest wait for a free slot before a 503. Default 10000. */
  upstreamQueueTimeoutMs: positiveMs.default(10_000),
  /** SHUTDOWN_TIMEOUT_MS: on SIGTERM/SIGINT, how long requests in flight may take to finish. Default 25000. */
  shutdownTimeoutMs: z.coerce.number().int().min(0).default(25_000),
  /**
   * METRICS_TOKEN: when set, /_facade/metrics and /_facade/ready require `Authorization: Bearer <METRICS_TOKEN>`
   * (401 M_MISSING_TOKEN / M_UNKNOWN_TOKEN otherwise; compared in constant time, never logged). Printable
   * ASCII without spaces. Default: none (both endpoints open, as for a scraper on a private network).
   */
  metricsToken: z
    .string()
    .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces')
    .optional(),
  /**
   * DATA_DIR: directory of the facade's store (SQLite file `facade.sqlite`: audit trail, room deletes, bulk
   * jobs), created with mode 0700 when missing; `:memory:` keeps it in memory (lost on exit). Default ./data.
   */
  dataDir: z.string().min(1).default('./data'),
  /**
   * DATABASE_URL: `postgres://user:password@host:port/database` puts the store in PostgreSQL (shared by every
   * replica: audit trail, deletes, jobs, index) instead of the SQLite file in DATA_DIR; replicas then keep their
   * caches coherent through LISTEN/NOTIFY. Never logged (it may hold a password). Default: none (SQLite).
   */
  databaseUrl: z
    .string()
    .regex(/^postgres(?:ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /**
   * DATABASE_QUERY_TIMEOUT_MS: with DATABASE_URL, how long one statement may wait for PostgreSQL's answer before it
   * fails as unavailable (the audit row of a mutation is then lost and counted, the mutation still answered).
   * Default 10000.
   */
  databaseQueryTimeoutMs: positiveMs.default(10_000),
  /**
   * REPLICA_ID: this facade's name among replicas, in job leases, the index status and the logs. Letters,
   * digits, `.`, `_`, `-`; at most 64. Default: `<hostname>-<pid>`.
   */
  replicaId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 letters, digits, ".", "_" or "-"')
    .optional(),
  /**
   * JOB_LEASE_MS: how long a replica's claim on a running bulk job lasts without a heartbeat (renewed every third
   * of it); after it, another replica takes the job over. Default 30000.
   */
  jobLeaseMs: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
  /** AUDIT_RETENTION_DAYS: audit rows older than this are pruned in the background. Default 400. */
  auditRetentionDays: z.coerce.number().int().positive().default(400),
  /**
   * FACADE_ADMIN_TOKEN: a Synapse admin's access token for the facade's own background work when no admin's
   * request is at hand: following room deletes and resuming bulk jobs after a restart. Never logged or stored.
   * Default: none (a resumed job waits for an admin's POST /_facade/v1/jobs/{id}/resume).
   */
  facadeAdminToken: z
    .string()
    .regex(/^[\x21-\x7E]+$/, 'must be printable ASCII without spaces')
    .optional(),
  /** DELETE_FOLLOW_INTERVAL_MS: pause between the follower's polls of unfinished v2 room deletes. Default 5000. */
  deleteFollowIntervalMs: positiveMs.default(5_000),
  /** INDEX_REFRESH_MS: pause between two sweeps of the room and destination index. Default 60000. */
  indexRefreshMs: positiveMs.default(60_000),
  /**
   * INDEX_MAX_UPSTREAM_SHARE: the most of the wall time a sweep spends waiting for Synapse (0 < share ≤ 1); after
   * each page it pauses long enough to stay under it. Default 0.1.
   */
  indexMaxUpstreamShare: z.coerce.number().gt(0).max(1).default(0.1),
  /** INDEX_PAGE_SIZE: rows a sweep asks Synapse for per page (its lists have no maximum). Default 1000. */
  indexPageSize: z.coerce.number().int().min(1).max(10_000).default(1_000),
  /**
   * MEMORY_HANDBACK_QUIET_MS: after this long without a request, if RSS grew by MEMORY_HANDBACK_GROWTH_MB since the
   * last hand-back, the facade collects garbage (when Node runs with `--expose-gc`, as `npm start` does) and hands
   * glibc's free pages back (malloc_trim). 0 turns it off. Default 2000.
   */
  memoryHandbackQuietMs: timerMs(0).default(2_000),
  /** MEMORY_HANDBACK_GROWTH_MB: RSS growth, MiB, that makes a hand-back worth it once quiet. Default 32. */
  memoryHandbackGrowthMb: z.coerce.number().int().min(1).default(32),
  /** LOG_LEVEL: fatal, error, warn, info, debug or silent. Default info. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  /**
   * TRUSTED_PROXIES: comma-separated peer addresses whose X-Forwarded-For/-Proto are kept and appended to.
   * From any other peer those headers are overwritten. Default: none.
   */
  trustedProxies: z
    .union([z.string(), z.array(z.string())])
    .default('')
    .transform((list) => (typeof list === 'string' ? list.split(',') : list).map((entry) => entry.trim()).filter(Boolean)),
});

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

const envNames: Record<keyof Config, string> = {
  synapseUrl: 'SYNAPSE_URL',
  host: 'HOST',
  port: 'PORT',
  publicBaseUrl: 'PUBLIC_BASEURL',
  upstreamConnectTimeoutMs: 'UPSTREAM_CONNECT_TIMEOUT_MS',
  upstreamHeadersTimeoutMs: 'UPSTREAM_HEADERS_TIMEOUT_MS',
  upstreamBodyTimeoutMs: 'UPSTREAM_BODY_TIMEOUT_MS',
  upstreamConnections: 'UPSTREAM_CONNECTIONS',
  upstreamLongTimeoutMs: 'UPSTREAM_LONG_TIMEOUT_MS',
  maxBodyBytes: 'MAX_BODY_BYTES',
  synapseServerName: 'SYNAPSE_SERVER_NAME',
  logLevel: 'LOG_LEVEL',
  shutdownTimeoutMs: 'SHUTDOWN_TIMEOUT_MS',
  verifyAdmins: 'VERIFY_ADMINS',
  adminVerdictTtlMs: 'ADMIN_VERDICT_TTL_MS',
  cacheMaxBytes: 'CACHE_MAX_BYTES',
  cacheTtlListMs: 'CACHE_TTL_LIST_MS',
  cacheTtlDetailsMs: 'CACHE_TTL_DETAILS_MS',
  cacheTtlStatusMs: 'CACHE_TTL_STATUS_MS',
  cacheSettleMs: 'CACHE_SETTLE_MS',
  upstreamMaxConcurrency: 'UPSTREAM_MAX_CONCURRENCY',
  upstreamQueueTimeoutMs: 'UPSTREAM_QUEUE_TIMEOUT_MS',
  trustedProxies: 'TRUSTED_PROXIES',
  metricsToken: 'METRICS_TOKEN',
  dataDir: 'DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  databaseQueryTimeoutMs: 'DATABASE_QUERY_TIMEOUT_MS',
  replicaId: 'REPLICA_ID',
  jobLeaseMs: 'JOB_LEASE_MS',
  auditRetentionDays: 'AUDIT_RETENTION_DAYS',
  facadeAdminToken: 'FACADE_ADMIN_TOKEN',
  deleteFollowIntervalMs: 'DELETE_FOLLOW_INTERVAL_MS',
  indexRefreshMs: 'INDEX_REFRESH_MS',
  indexMaxUpstreamShare: 'INDEX_MAX_UPSTREAM_SHARE',
  indexPageSize: 'INDEX_PAGE_SIZE',
  memoryHandbackQuietMs: 'MEMORY_HANDBACK_QUIET_MS',
  memoryHandbackGrowthMb: 'MEMORY_HANDBACK_GROWTH_MB',
};

/** Thrown when the environment has bad values; its message has one line per bad variable. */
export class ConfigError extends Error {}

/** Reads the configuration from an environment; empty variables count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const [key, name] of Object.entries(envNames)) {
    const value = env[name];
    if (value !== undefined && value !== '') input[key] = value;
  }
  return parseConfig(input);
}

/** Validates a configuration object (used by tests and by loadConfig). */
export function parseConfig(input: ConfigInput | Record<string, unknown>): Config {
  const result = configSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = String(issue.path[0]) as keyof Config;
    return `invalid ${envNames[key] ?? key}: ${issue.message}`;
  });
  throw new ConfigError(lines.join('\n'));
}

/** This facade's name among replicas: REPLICA_ID, else `<hostname>-<pid>`. */
export const replicaIdOf = (config: Pick<Config, 'replicaId'>): string => config.replicaId ?? `${hostname()}-${process.pid}`;
