// Replicas of one facade store inside one test process: each a JobRunner with its own replica ID over a view of
// the shared store that records its calls and can freeze them — a frozen replica reaches the store no more, as
// one killed with SIGKILL (or paused) would not.
import { JobRunner } from '../../../src/jobs/runner.ts';
import type { FacadeContext } from '../../../src/pipeline/context.ts';
import type { ManagedStore } from '../../../src/store/open-store.ts';

/** One store call of a replica: its method, arguments and answer. */
export interface StoreCall {
  method: string;
  args: unknown[];
  result: unknown;
}

/** A replica under test. */
export interface TestReplica {
  runner: JobRunner;
  /** Every store call this replica made that answered, in order. */
  calls: StoreCall[];
  /** Whether its store calls wait now. */
  readonly frozen: boolean;
  /** From now on this replica's store calls wait, or only those of `methods` (those already answered stay answered). */
  freeze(methods?: readonly string[]): void;
  /** Lets the waiting calls through, in order. */
  thaw(): void;
}

/** A view of `store` whose calls wait while `gate(method)` is pending and are recorded once answered. */
function storeView(store: ManagedStore, gate: (method: string) => Promise<void>, calls: StoreCall[]): ManagedStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return async (...args: unknown[]) => {
        await gate(key);
        const result: unknown = await (value as (...values: unknown[]) => Promise<unknown>).apply(target, args);
        calls.push({ method: key, args, result });
        return result;
      };
    },
  });
}

/** Starts replica `replicaId` on `context`'s store: its runner (shared store, lease `leaseMs`) is started. */
export async function startReplica(context: FacadeContext, replicaId: string, { leaseMs }: { leaseMs: number }): Promise<TestReplica> {
  const calls: StoreCall[] = [];
  let frozen: Promise<void> | undefined;
  let frozenMethods: readonly string[] | undefined;
  let thaw = () => {};
  const gate = (method: string) => (frozen && (!frozenMethods || frozenMethods.includes(method)) ? frozen : Promise.resolve());
  const store = storeView(context.store, gate, calls);
  const runner = new JobRunner({ ...context, store }, { replicaId, leaseMs, shared: true });
  await runner.start();
  return {
    runner,
    calls,
    get frozen() {
      return frozen !== undefined;
    },
    freeze: (methods) => {
      frozenMethods = methods;
      frozen = new Promise((resolve) => (thaw = resolve));
    },
    thaw: () => {
      frozen = undefined;
      thaw();
    },
  };
}

/** The calls of `method` a replica made. */
export const callsOf = (replica: TestReplica, method: string): StoreCall[] => replica.calls.filter((call) => call.method === method);
