// vitest globalSetup: one throwaway PostgreSQL for the test run (test/support/postgres.ts). In CI a server that
// cannot start fails the run; elsewhere the PostgreSQL tests skip, saying why once.
import type { TestProject } from 'vitest/node';
import { DEFAULT_POSTGRES_ROOT, releasePostgres, startPostgres } from '../../scripts/postgres/server.ts';

/**
 * Provides `postgresUrl` (the facade role's URL, which may create databases). Runs at the same time share the server;
 * the last one out stops it, unless `npm run postgres:up` started it (then it keeps running).
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  try {
    const server = await startPostgres({ root: DEFAULT_POSTGRES_ROOT, holder: process.pid, log: console.error });
    project.provide('postgresUrl', server.url);
  } catch (error) {
    if (process.env.CI) throw error;
    console.error(`postgres: not available, the PostgreSQL store tests skip (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    return undefined;
  }
  return async () => {
    await releasePostgres(DEFAULT_POSTGRES_ROOT, process.pid);
  };
}
