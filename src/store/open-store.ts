// Opens the configured store without ever blocking the facade on it: a store that cannot be opened is
// retried in the background, and every failure is reported to the caller's hook (logged and counted).
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
  /** True once the database is open (and migrated). */
  readonly available: boolean;
  /** Resolves when the database is open; never rejects (the retries go on). */
  readonly opened: Promise<void>;
  /** Resolves when the first attempt to open has ended, whether it opened the database or not. */
  readonly firstAttempt: Promise<void>;
}

/** Options of openStore. */
export interface OpenStoreOptions {
  /** DATA_DIR: the directory of the SQLite file, or `:memory:`. */
  dataDir: string;
  /** Called for each failed open or operation (the caller logs and counts it). */
  onError: (operation: string, error: unknown) => void;
  /** Wait between attempts to open, milliseconds (default 10000). */
  retryMs?: number;
}

/**
 * Starts opening the store and answers at once. Until the database is open, every operation rejects with
 * StoreUnavailableError, so only what needs the store waits or fails; afterwards each operation's failure
 * is reported through `onError` and rethrown.
 */
export function openStore({ dataDir, onError, retryMs = 10_000 }: OpenStoreOptions): ManagedStore {
  let inner: Store | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let markOpened!: () => void;
  const opened = new Promise<void>((resolve) => (markOpened = resolve));
  const attempt = async () => {
    try {
      const store = await openSqliteStore(dataDir);
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
          return await (inner[operation] as (...values: unknown[]) => Promise<unknown>)(...args);
        } catch (error) {
          onError(operation, error);
          throw error;
        }
      },
    ]),
  ) as Pick<Store, (typeof OPERATIONS)[number]>;

  return {
    ...guarded,
    kind: 'sqlite',
    get available() {
      return inner !== undefined;
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
