// The answer to a request whose store operation fails: 503, never the database's own error text.
import { FacadeError } from '../errors.ts';

/** The store is unavailable or failed (the store's hook has logged and counted why). */
export const storeUnavailable = () => new FacadeError(503, 'M_UNKNOWN', 'The facade store is unavailable');

/** Runs a store read; any failure becomes the 503. */
export async function fromStore<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch {
    throw storeUnavailable();
  }
}
