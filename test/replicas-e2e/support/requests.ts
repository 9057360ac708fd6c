// Requests to one replica as the mock's admin, keeping what the replica tests look at (status, JSON body,
// X-Facade-Cache), and waiting for a condition across replicas.
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_ADMIN_TOKEN } from '../../../src/mock/server.ts';

/** One answer: status, JSON body (undefined when there is none) and `X-Facade-Cache` (hit, miss, bypass). */
export interface Answer {
  status: number;
  body: unknown;
  cache: string | null;
}

/** Sends `method path` to `facadeUrl` as the mock's admin; `body` goes as JSON. */
export async function send(facadeUrl: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${facadeUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text), cache: response.headers.get('x-facade-cache') };
}

/** `GET /_synapse/admin/v1/rooms/{roomId}/block`'s path (the block status, and the path a block is PUT to). */
export const blockPath = (roomId: string): string => `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}/block`;

/** Room IDs `!<prefix><n>:mock.example`, n from 0. */
export const roomsNamed = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, index) => `!${prefix}${index}:mock.example`);

/**
 * Reads every `intervalMs` until `holds(value)`; resolves with that value. Throws, saying `what` and the last value
 * read, after `timeoutMs`.
 */
export async function until<T>(what: string, read: () => Promise<T>, holds: (value: T) => boolean, { timeoutMs = 10_000, intervalMs = 50 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (holds(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last seen ${JSON.stringify(value)}`);
    await sleep(intervalMs);
  }
}
