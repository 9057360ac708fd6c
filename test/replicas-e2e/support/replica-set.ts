// Three facades (REPLICA_ID a, b and c) run as production runs them, one process each, sharing one fresh
// PostgreSQL database, in front of one in-process mock Synapse, each through a forwarding proxy of its own that
// records what that replica sent to Synapse. Their log lines are kept and printed when a test fails. Every process
// and server started here is stopped at the end of its file, whatever happened.
import { afterAll, beforeAll, beforeEach, describe, inject } from 'vitest';
import { startFacadeChild, type FacadeChild } from '../../../scripts/facade-process.ts';
import { DEFAULT_ADMIN_TOKEN, SERVER_NAME, startMockSynapse, type MockSynapse } from '../../../src/mock/server.ts';
import { freshDatabase } from '../../support/postgres.ts';
import { startCountingProxy, type CountingProxy, type Timed } from '../../jobs/support/counting-proxy.ts';

/** The replicas of a set, by REPLICA_ID. */
export const REPLICA_IDS = ['a', 'b', 'c'] as const;
export type ReplicaId = (typeof REPLICA_IDS)[number];

/** Runs a file's tests only under vitest.replicas.config.ts (whose global setup starts PostgreSQL and says so). */
export const describeReplicas = describe.skipIf(!inject('replicasE2e'));

/** Options of {@link startReplicaSet}. */
export interface ReplicaSetOptions {
  /** Added to every replica's environment (after the set's own: SYNAPSE_URL, DATABASE_URL, REPLICA_ID, …). */
  env?: Record<string, string>;
  /** The mock's delay before every answer, milliseconds; default 0. */
  mockLatencyMs?: number;
}

/** Log lines printed per replica when a test fails (the newest ones). */
const PRINTED_LINES = 300;
/** How long a replica may take to say it listens. */
const START_TIMEOUT_MS = 20_000;

/** The mock, the database and the replicas of one test file. */
export class ReplicaSet {
  readonly mock: MockSynapse;
  readonly databaseUrl: string;
  /** Every line each replica wrote (all its processes, in order). */
  readonly logs = new Map<ReplicaId, string[]>(REPLICA_IDS.map((id) => [id, []]));
  readonly #dropDatabase: () => Promise<void>;
  readonly #env: Record<string, string>;
  readonly #proxies: ReadonlyMap<ReplicaId, CountingProxy>;
  readonly #running = new Map<ReplicaId, FacadeChild>();

  constructor(mock: MockSynapse, database: { url: string; drop(): Promise<void> }, proxies: ReadonlyMap<ReplicaId, CountingProxy>, env: Record<string, string>) {
    this.mock = mock;
    this.databaseUrl = database.url;
    this.#dropDatabase = database.drop;
    this.#proxies = proxies;
    this.#env = env;
  }

  /** What replica `id` (all its processes) sent to Synapse, in arrival order; empty it to count afresh. */
  sentBy(id: ReplicaId): Timed[] {
    return this.#proxies.get(id)!.seen;
  }

  /** The base URL of a running replica. */
  url(id: ReplicaId): string {
    const facade = this.#running.get(id);
    if (!facade) throw new Error(`replica ${id} is not running`);
    return facade.url;
  }

  /** The replicas running now. */
  get running(): ReplicaId[] {
    return REPLICA_IDS.filter((id) => this.#running.has(id));
  }

  /** Starts replica `id` (a new process, also after a kill); resolves with its URL once it listens. */
  async start(id: ReplicaId): Promise<string> {
    if (this.#running.has(id)) throw new Error(`replica ${id} already runs`);
    const lines = this.logs.get(id)!;
    const env = {
      SYNAPSE_URL: this.#proxies.get(id)!.url,
      SYNAPSE_SERVER_NAME: SERVER_NAME,
      DATABASE_URL: this.databaseUrl,
      REPLICA_ID: id,
      LOG_LEVEL: 'info',
      // The mock admin's token: every replica can sweep, follow deletes and take a job over.
      FACADE_ADMIN_TOKEN: DEFAULT_ADMIN_TOKEN,
      SHUTDOWN_TIMEOUT_MS: '2000',
      ...this.#env,
    };
    lines.push(`--- replica ${id} starting`);
    const facade = await startFacadeChild({ env, onLine: (line) => lines.push(line), timeoutMs: START_TIMEOUT_MS }).catch((error: Error) => {
      throw new Error(`replica ${id}: ${error.message}\n${lines.slice(-PRINTED_LINES).join('\n')}`);
    });
    this.#running.set(id, facade);
    return facade.url;
  }

  /** SIGKILL to replica `id` (no shutdown of any kind); resolves once it has exited, with Date.now() of the signal. */
  async kill(id: ReplicaId): Promise<number> {
    const facade = this.#running.get(id);
    if (!facade) throw new Error(`replica ${id} is not running`);
    this.#running.delete(id);
    const { child } = facade;
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((done) => child.once('exit', () => done()));
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await exited;
    this.logs.get(id)!.push(`--- replica ${id} killed with SIGKILL`);
    return killedAt;
  }

  /** Graceful stop (SIGTERM, SIGKILL after 5 s) of every replica still running, then the database and the mock. */
  async close(): Promise<void> {
    const running = [...this.#running.values()];
    this.#running.clear();
    await Promise.allSettled(running.map((facade) => facade.stop(5_000)));
    await Promise.allSettled([this.#dropDatabase(), this.mock.close(), ...[...this.#proxies.values()].map((proxy) => proxy.close())]);
  }

  /** The newest log lines of every replica, for a failed test's report. */
  printLogs(): void {
    for (const [id, lines] of this.logs) {
      console.error(`=== replica ${id}: last ${Math.min(lines.length, PRINTED_LINES)} of ${lines.length} log lines\n${lines.slice(-PRINTED_LINES).join('\n')}`);
    }
  }
}

/** Starts the mock, a fresh database and the three replicas; on any failure stops what did start, then throws. */
export async function startReplicaSet({ env = {}, mockLatencyMs = 0 }: ReplicaSetOptions = {}): Promise<ReplicaSet> {
  const mock = await startMockSynapse({ latencyMs: mockLatencyMs });
  const proxies = new Map<ReplicaId, CountingProxy>();
  let database: { url: string; drop(): Promise<void> };
  try {
    for (const id of REPLICA_IDS) proxies.set(id, await startCountingProxy(mock.url, () => true));
    database = await freshDatabase();
  } catch (error) {
    await Promise.allSettled([mock.close(), ...[...proxies.values()].map((proxy) => proxy.close())]);
    throw error;
  }
  const set = new ReplicaSet(mock, database, proxies, env);
  try {
    await Promise.all(REPLICA_IDS.map((id) => set.start(id)));
  } catch (error) {
    await set.close();
    throw error;
  }
  return set;
}

/**
 * Gives the calling describe block its replica set: started before its tests, closed after them, its replicas'
 * log lines printed when a test fails.
 */
export function useReplicaSet(options: ReplicaSetOptions = {}): () => ReplicaSet {
  let set: ReplicaSet | undefined;
  beforeAll(async () => {
    set = await startReplicaSet(options);
  });
  afterAll(() => set?.close());
  beforeEach(({ onTestFailed }) => onTestFailed(() => set?.printLogs()));
  return () => {
    if (!set) throw new Error('the replica set did not start');
    return set;
  };
}
