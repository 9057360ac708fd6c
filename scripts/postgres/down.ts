// `npm run postgres:down`: stops the PostgreSQL of postgres:up and removes its state and data (the log stays).
import { DEFAULT_POSTGRES_ROOT, stopPostgres } from './server.ts';

if (import.meta.main) {
  console.error((await stopPostgres(DEFAULT_POSTGRES_ROOT)) ? 'postgres: stopped' : 'postgres: was not running');
}
