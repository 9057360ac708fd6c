// Opens the configured store (PostgreSQL at DATABASE_URL, else SQLite in DATA_DIR) without ever blocking the facade
// on it: a store that cannot be opened is retried in the background, and every failure is reported to the caller's
// hook (logged and counted).
import { openPostgresStore } from './postgres.ts';
import { openSqliteStore } from './sqlite.ts';
import { StoreUnavailableError, type Store } from './store.ts';

/** Every operation of the Store interface, each guarded the same way. */
const OPERATIONS = [
  'appendAudit',
  'listAudit',
  'pruneAudit',
  'recordDeleteStart',
  'recordDeleteProgress',
  'getDelete',
  'deletesOfRoom',
  'unfinishedDeletes',
  'createJob',
  'getJob',
  'listJobs',
  'unfinishedJobs',
  'updateJob',
  'jobChildren',
  'updateJobChild',
  'claimJob',
  'renewJobLease',
  'releaseJob',
  'claimableJobs',
  'leasedJobIds',
  'upsertIndexed',
  'finishIndexSweep',
  'lastIndexSweep',
  'queryIndex',
  'countIndex',
  'indexSummary',
  'setRoomBlocked',
  'removeIndexed',
  'secret',
] as const satisfies ReadonlyArray<Exclude<keyof Store, 'kind' | 'close'>>;

/** A store the facade holds for its whole life, whether or not the database is there. */
export interface ManagedStore extends Store {
  /** Which database holds it, known before it opens. */
  readonly kind: 'sqlite' | 'postgres';
  /** True once the database is open (and migrated). */
  readonly available: boolean;
  /** Open, and its last operation reached the database (false while a PostgreSQL server is out of reach). */
  readonly reachable: boolean;
  /** Resolves when the database is open; never rejects (the retries go on). */
  readonly opened: Promise<void>;
  /** Resolves when the first attempt to open has ended, whether it opened the database or not. */
  readonly firstAttempt: Promise<void>;
}

/** Options of openStore. */
export interface OpenStoreOptions {
  /** DATA_DIR: the directory of the SQLite file, or `:memory:`; unused when `databaseUrl` is set. */
  dataDir: string;
  /**
   * DATABASE_URL: when set, the store is this PostgreSQL database (shared by replicas). It may hold a password:
   * errors reported to `onError` never contain it. Default: none (SQLite).
   */
  databaseUrl?: string;
  /** Called for each failed open or operation, and (`pool`) each lost idle PostgreSQL connection; the caller logs and counts it. */
  onError: (operation: string, error: unknown) => void;
  /** Wait between attempts to open, milliseconds (default 10000). */
  retryMs?: number;
  /** DATABASE_QUERY_TIMEOUT_MS: longest a PostgreSQL statement may wait for its answer (default QUERY_TIMEOUT_MS). */
  queryTimeoutMs?: number;
}

/**
 * Starts opening the store and answers at once. Until the database is open, every operation rejects with
 * StoreUnavailableError, so only what needs the store waits or fails; afterwards each operation's failure
 * is reported through `onError` and rethrown (a PostgreSQL server out of reach: StoreUnavailableError again, until
 * the pool reconnects on its own).
 */
export function openStore({ dataDir, databaseUrl, onError, retryMs = 10_000, queryTimeoutMs }: OpenStoreOptions): ManagedStore {
  const open = databaseUrl
    ? () => openPostgresStore(databaseUrl, { onError: (error) => onError('pool', error), ...(queryTimeoutMs === undefined ? {} : { queryTimeoutMs }) })
    : () => openSqliteStore(dataDir);
  let inner: Store | undefined;
  /** The last operation reached the database (a PostgreSQL server can go away after the store opened). */
  let reachable = true;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let markOpened!: () => void;
  const opened = new Promise<void>((resolve) => (markOpened = resolve));
  const attempt = async () => {
    try {
      const store = await open();
      if (closed) return void (await store.close());
      inner = store;
      markOpened();
    } catch (error) {
      onError('open', error);
      if (!closed) retry = setTimeout(() => void attempt(), retryMs).unref();
    }
  };
  const firstAttempt = attempt();

  const guarded = Object.fromEntries(
    OPERATIONS.map((operation) => [
      operation,
      async (...args: unknown[]) => {
        if (!inner) {
          const unavailable = new StoreUnavailableError();
          onError(operation, unavailable);
          throw unavailable;
        }
        try {
          // Every operation takes plain arguments; the interface's own signatures are re-exposed below.
          const result = await (inner[operation] as (...values: unknown[]) => Promise<unknown>)(...args);
          reachable = true;
          return result;
        } catch (error) {
          if (error instanceof StoreUnavailableError) reachable = false;
          onError(operation, error);
          throw error;
        }
      },
    ]),
  ) as Pick<Store, (typeof OPERATIONS)[number]>;

  return {
    ...guarded,
    kind: databaseUrl ? 'postgres' : 'sqlite',
    get available() {
      return inner !== undefined;
    },
    get reachable() {
      return inner !== undefined && reachable;
    },
    opened,
    firstAttempt,
    async close() {
      closed = true;
      clearTimeout(retry);
      await inner?.close();
      inner = undefined;
    },
  };
}
