// Test helpers: a mock Synapse per test file and small fetch wrappers.
import { afterAll, beforeAll } from 'vitest';
import type { MockSynapse, MockSynapseOptions } from '../../src/mock/server.ts';
import { startMockSynapse } from '../../src/mock/server.ts';
import { DEFAULT_ADMIN_TOKEN } from '../../src/mock/constants.ts';

/** Starts one mock for the enclosing file; returns a getter. */
export function useMockSynapse(options: MockSynapseOptions = {}): () => MockSynapse {
  let mock: MockSynapse | undefined;
  beforeAll(async () => { mock = await startMockSynapse(options); });
  afterAll(async () => { await mock?.close(); });
  return () => {
    if (mock === undefined) throw new Error('mock not started');
    return mock;
  };
}

export interface CallResult {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** Calls the mock as the admin unless `token` is given (`null` = no token). */
export async function call(
  mock: MockSynapse, method: string, path: string, options: { body?: string | object; token?: string | null; headers?: Record<string, string> } = {},
): Promise<CallResult> {
  const { token = DEFAULT_ADMIN_TOKEN, body, headers = {} } = options;
  const response = await fetch(`${mock.url}${path}`, {
    method,
    headers: { ...(token === null ? {} : { Authorization: `Bearer ${token}` }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) as Record<string, unknown> : { text }, headers: response.headers };
}

export const enc = encodeURIComponent;
