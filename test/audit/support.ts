// Helpers of the audit tests: requests through the facade, the audit trail read back through its API.
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { DEFAULT_ADMIN_TOKEN } from '../../src/mock/server.ts';
import type { AuditEntryInput } from '../../src/store/store.ts';
import type { TestFacade } from '../support/facade.ts';

/** What a test reads of an answer. */
export interface Sent {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/** Sends `method path` through the facade; a body is sent as JSON (a string as is). `token: null` sends none. */
export async function send(facade: TestFacade, method: string, path: string, body?: unknown, token: string | null = DEFAULT_ADMIN_TOKEN): Promise<Sent> {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  if (text !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${facade.url}${path}`, { method, headers, body: text });
  const answer = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(answer) as Record<string, unknown>;
  } catch {
    // Not JSON (NDJSON, an empty body): the text is what the test reads.
  }
  return { status: response.status, headers: response.headers, text: answer, json };
}

/** One entry of GET /_facade/v1/audit. */
export type Entry = Record<string, unknown> & { id: string; action: string; details: Record<string, unknown> };

/** GET /_facade/v1/audit with `query`, as the admin; fails the test unless it answers 200. */
export async function auditPage(facade: TestFacade, query: Record<string, string> = {}): Promise<{ entries: Entry[]; next_cursor?: string }> {
  const answer = await send(facade, 'GET', `/_facade/v1/audit?${new URLSearchParams(query)}`);
  expect(answer.status, answer.text).toBe(200);
  return answer.json as { entries: Entry[]; next_cursor?: string };
}

/** Every row in the store, newest first (read directly, so it works without Synapse). */
export async function storedRows(facade: TestFacade) {
  return facade.context.store.listAudit({ limit: 100_000 });
}

/** Waits until `check` holds (a row written after its answer went out, e.g. a successful login). */
export async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** A row to append directly, for listings that need many rows or chosen times. */
export const row = (at: number, fields: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  at,
  kind: 'owned',
  action: 'room.block',
  method: 'PUT',
  path: '/_synapse/admin/v1/rooms/!r:hs/block',
  roomId: '!r:hs',
  admin: '@admin:mock.example',
  status: 200,
  durationMs: 3,
  requestId: null,
  details: {},
  ...fields,
});

/** facade_store_errors_total for `operation`. */
export async function storeErrors(facade: TestFacade, operation: string): Promise<number> {
  const { values } = await facade.context.metrics.storeErrors.get();
  return values.find((value) => value.labels.operation === operation)?.value ?? 0;
}
