// The diff helper: one request sent to Synapse directly and through a facade in front of it, answers compared.
import { appendFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { getGlobalDispatcher } from 'undici';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { startTestFacade, type TestFacade } from '../../support/facade.ts';
import { COMPARISON_LOG } from './comparison-log.ts';
import type { Expectation, Json } from './expected.ts';
import { inPinnedWords, stricterFacadeRule } from './versions.ts';

/** A request exactly as sent: `target` is the raw path and query (never re-encoded). */
export interface Exchange {
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE';
  target: string;
  /** Whose token goes in `Authorization` ('none' sends no header); default admin. */
  token?: 'admin' | 'user' | 'none';
  headers?: Record<string, string>;
  body?: string;
}

/** A parsed answer. */
export interface Answer {
  status: number;
  body: Json;
}

let facade: TestFacade | undefined;

/** Starts one facade in front of the real Synapse for the calling test file. */
export function useFacade(): void {
  beforeAll(async () => {
    facade = await startTestFacade(inject('synapse').baseUrl);
  });
  afterAll(async () => {
    await facade?.close();
    facade = undefined;
  });
}

/** The URL of the calling file's facade (started by useFacade). */
export function facadeUrl(): string {
  if (!facade) throw new Error('useFacade() was not called in this file');
  return facade.url;
}

/** One raw request's answer: status, headers, and the body parsed (`{ nonJsonBody }` when it is not JSON). */
export interface RawAnswer extends Answer {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Sends one request through undici's dispatcher, which sends `target` as is: no URL parsing, no header-count
 * limit, so raw bytes and `;` reach the server unchanged.
 */
export async function dispatch(
  origin: string,
  { method, target, headers, body }: { method: string; target: string; headers: Record<string, string>; body?: string },
): Promise<RawAnswer> {
  const response = await getGlobalDispatcher().request({ origin, path: target, method: method as 'GET', headers, body });
  const text = await response.body.text();
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    parsed = { nonJsonBody: text };
  }
  return { status: response.statusCode, headers: response.headers, body: parsed };
}

/** Sends `exchange` to `baseUrl` byte for byte. */
async function send(baseUrl: string, { method = 'GET', target, token = 'admin', headers = {}, body }: Exchange): Promise<Answer> {
  const state = inject('synapse');
  const auth: Record<string, string> = token === 'none' ? {} : { authorization: `Bearer ${token === 'admin' ? state.adminToken : state.userToken}` };
  const { status, body: parsed } = await dispatch(baseUrl, { method, target, headers: { ...auth, ...headers }, body });
  return { status, body: parsed };
}

/** Sends through the facade only. */
export function viaFacade(exchange: Exchange): Promise<Answer> {
  if (!facade) throw new Error('useFacade() was not called in this file');
  return send(facade.url, exchange);
}

/** Sends to Synapse only. */
export function direct(exchange: Exchange): Promise<Answer> {
  return send(inject('synapse').baseUrl, exchange);
}

/** `state` lists are "unspecified order" (Synapse iterates a state map): compared as sets of events. */
const byEventId = (a: unknown, b: unknown) => String((a as Json).event_id).localeCompare(String((b as Json).event_id));

/**
 * An event's `age` and `unsigned.age` are "now minus origin_server_ts" at the time of serving: they differ
 * between any two answers, so they are left out of the comparison (everything else is compared).
 */
export function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'age' && 'event_id' in value) continue;
    if (key === 'state' && Array.isArray(inner)) {
      out[key] = comparable(inner.toSorted(byEventId));
      continue;
    }
    if (key === 'unsigned' && inner !== null && typeof inner === 'object') {
      const { age: _age, ...rest } = inner as Record<string, unknown>;
      out[key] = comparable(rest);
    } else {
      out[key] = comparable(inner);
    }
  }
  return out;
}

function count(kind: string, exchange: Exchange): void {
  appendFileSync(COMPARISON_LOG, `${kind} ${exchange.method ?? 'GET'} ${exchange.target.split('?')[0]}\n`);
}

/**
 * Sends `exchange` to both; a 200 from Synapse must come back from the facade as `expected(body)`,
 * field by field; any other answer must come back unchanged (status and body). Returns both answers.
 */
export async function expectSameAnswer(exchange: Exchange, expected: Expectation): Promise<{ synapse: Answer; facade: Answer }> {
  const synapse = await direct(exchange);
  const fromFacade = await viaFacade(exchange);
  const label = `${exchange.method ?? 'GET'} ${exchange.target}`;
  expect(fromFacade.status, label).toBe(synapse.status);
  const wanted = synapse.status === 200 ? expected(synapse.body) : synapse.body;
  expect(comparable(fromFacade.body), label).toStrictEqual(comparable(wanted));
  count('answer', exchange);
  return { synapse, facade: fromFacade };
}

/** Like expectSameAnswer, and Synapse must have answered 200 (a comparison of two errors proves less). */
export async function expectSameSuccess(exchange: Exchange, expected: Expectation): Promise<Json> {
  const { synapse } = await expectSameAnswer(exchange, expected);
  expect(synapse.status, `${exchange.target}: ${JSON.stringify(synapse.body)}`).toBe(200);
  return synapse.body;
}

/**
 * The same bad request to both: Synapse must reject it, and the facade must say exactly the same thing — in the
 * pinned release's words when the running release words it otherwise (test/e2e/support/versions.ts). Where the
 * table says the running release does not refuse it at all, Synapse's answer must be the one the table names and
 * the facade's the pinned release's refusal.
 */
export async function expectSameError(exchange: Exchange): Promise<Answer> {
  const synapse = await direct(exchange);
  const fromFacade = await viaFacade(exchange);
  const label = `${exchange.method ?? 'GET'} ${exchange.target} → Synapse ${synapse.status} ${JSON.stringify(synapse.body).slice(0, 300)}`;
  const said = { status: fromFacade.status, errcode: fromFacade.body.errcode, error: fromFacade.body.error };
  const { version } = inject('synapse');
  const wanted = { status: synapse.status, ...inPinnedWords(version, synapse.body) };
  const rule = stricterFacadeRule(version, exchange.target);
  if (rule !== undefined && !(synapse.status >= 400 && isDeepStrictEqual(said, wanted))) {
    expect(rule.releaseStatus, `${label}: ${rule.because}`).toContain(synapse.status);
    expect(said, `${label}: ${rule.because}`).toMatchObject({ status: 400, errcode: rule.facade.errcode, error: expect.stringMatching(rule.facade.error) });
  } else {
    expect(synapse.status, label).toBeGreaterThanOrEqual(400);
    expect(said, label).toStrictEqual(wanted);
  }
  count('error', exchange);
  return synapse;
}

/** `/_synapse/admin` + path. */
export const admin = (path: string) => `/_synapse/admin${path}`;

/** A path segment encoded as clients do. */
export const seg = (value: string) => encodeURIComponent(value);
