// vitest globalSetup of `npm run test:replicas`: the throwaway PostgreSQL every replica of every file shares (root
// `.postgres/`, or $POSTGRES_HOME; a live one is reused and shared with other test runs). It must start: this suite
// has no point without it.
import type { TestProject } from 'vitest/node';
import { DEFAULT_POSTGRES_ROOT, releasePostgres, startPostgres } from '../../../scripts/postgres/server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by this setup only: the replica files skip when another config (the unit run's) picks them up. */
    replicasE2e?: boolean;
    /** The pid this run holds the server under (the database-away test restarts it under the same hold). */
    postgresHolder?: number;
  }
}

/**
 * Provides `postgresUrl` (the facade role's URL, which may create databases, as test/support/postgres.ts expects),
 * `postgresHolder` and `replicasE2e`; throws when PostgreSQL cannot start. At the end it lets go of the server, which
 * stops it when no other test run holds it and `npm run postgres:up` did not start it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  try {
    const server = await startPostgres({ root: DEFAULT_POSTGRES_ROOT, holder: process.pid, log: console.error });
    project.provide('postgresUrl', server.url);
  } catch (error) {
    throw new Error(`replicas e2e: PostgreSQL could not start in ${DEFAULT_POSTGRES_ROOT}`, { cause: error });
  }
  project.provide('postgresHolder', process.pid);
  project.provide('replicasE2e', true);
  return async () => {
    await releasePostgres(DEFAULT_POSTGRES_ROOT, process.pid);
  };
}
