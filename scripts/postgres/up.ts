// `npm run postgres:up`: a throwaway PostgreSQL on 127.0.0.1 (Debian's packages) for trying DATABASE_URL by hand;
// prints its URL, which `.postgres/state.json` (or `$POSTGRES_HOME/state.json`) also records.
import { PostgresSetupError } from './internal/system.ts';
import { DEFAULT_POSTGRES_ROOT, startPostgres } from './server.ts';

if (import.meta.main) {
  try {
    const { url, pid, port, started } = await startPostgres({ root: DEFAULT_POSTGRES_ROOT, log: console.error });
    console.error(`postgres: ${started ? 'started' : 'reusing'} pid ${pid} on 127.0.0.1:${port} (state in ${DEFAULT_POSTGRES_ROOT}/state.json)`);
    console.log(`DATABASE_URL=${url}`);
  } catch (error) {
    console.error(error instanceof PostgresSetupError ? `postgres:up failed: ${error.message}` : error);
    process.exitCode = 1;
  }
}
