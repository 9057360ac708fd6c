// Helpers for the real-Synapse e2e suite: make sure Synapse runs (never skip), and call it with the admin token.
import { synapseUp } from '../../../scripts/synapse/up.ts';
import { readSeed, type SeedRecord } from '../../../scripts/synapse/seed.ts';
import type { SynapseState } from '../../../scripts/synapse/state.ts';

export type { SynapseState, SeedRecord };

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by test/e2e/support/global-setup.ts; read with `inject('synapse')`. */
    synapse: SynapseState;
    synapseSeed: SeedRecord;
  }
}

let ready: Promise<SynapseState> | undefined;

/**
 * Resolves with the running, seeded Synapse's state, starting it (and installing it) if needed.
 * Rejects loudly when Synapse cannot start: an e2e suite that silently skips is a failing suite.
 * Memoised per worker; a rejected attempt is not cached, so the next call tries again.
 */
export function ensureSynapse(): Promise<SynapseState> {
  ready ??= synapseUp({ log: () => undefined }).then(
    ({ state }) => state,
    (error: unknown) => {
      ready = undefined;
      throw new Error(`Real Synapse is not available for the e2e suite: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    },
  );
  return ready;
}

/** What seed.ts created (room IDs by role, users, history events, destinations), after ensuring Synapse. */
export async function synapseSeed(): Promise<SeedRecord> {
  await ensureSynapse();
  return readSeed();
}

/**
 * `fetch(baseUrl + path)` against the real Synapse with `Authorization: Bearer <admin token>`.
 * An Authorization header in `init` wins (pass the user token, or a bogus one, to test auth).
 */
export async function synapseFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const { baseUrl, adminToken } = await ensureSynapse();
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${adminToken}`);
  return fetch(`${baseUrl}${path}`, { ...init, headers });
}
