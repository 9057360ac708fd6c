// Raw requests that keep the answer's headers (X-Facade-Cache, Age): for the gate-attack and read-your-writes e2e files.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, inject } from 'vitest';
import { readRegistrationSharedSecret } from '../../../scripts/synapse/config.ts';
import { registerOrLogin } from '../../../scripts/synapse/register.ts';
import { comparable, dispatch, facadeUrl, useFacade, type RawAnswer } from './compare.ts';
import type { Expectation } from './expected.ts';

/** A request exactly as sent: `target` is the raw path and query; `token` goes in `Authorization` when given. */
export interface Call {
  method?: 'GET' | 'PUT' | 'POST' | 'DELETE';
  target: string;
  token?: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON with `Content-Type: application/json`. */
  body?: unknown;
}

/** A raw answer with the facade's cache headers picked out. */
export interface Reply extends RawAnswer {
  /** `X-Facade-Cache` (undefined when absent). */
  cache: string | undefined;
  /** `Age` (undefined when absent). */
  age: string | undefined;
}

/** Starts one facade with the default cache and gate settings in front of the real Synapse for the calling file. */
export const useCachingFacade = useFacade;

/** Sends `call` to `origin` through undici's dispatcher (no URL parsing, no header-count limit). */
export async function send(origin: string, { method = 'GET', target, token, headers = {}, body }: Call): Promise<Reply> {
  const sent: Record<string, string> = { ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers };
  let payload: string | undefined;
  if (typeof body === 'string') payload = body;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    sent['content-type'] ??= 'application/json';
  }
  const answer = await dispatch(origin, { method, target, headers: sent, body: payload });
  const one = (name: string) => {
    const value = answer.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return { ...answer, cache: one('x-facade-cache'), age: one('age') };
}

/** Sends through the facade of this file. */
export function viaFacade(call: Call): Promise<Reply> {
  return send(facadeUrl(), call);
}

/** Sends to Synapse directly. */
export function onSynapse(call: Call): Promise<Reply> {
  return send(inject('synapse').baseUrl, call);
}

/** How long warming may wait for an earlier test's write to settle (the default CACHE_SETTLE_MS, plus margin). */
const SETTLE_WAIT_MS = 7_000;

/**
 * Reads `call` through the facade until it is a cache hit: an earlier write keeps what it touched (every
 * room list included) out of the cache for the settle window. The hit carries an `Age` header of integer
 * seconds (RFC 9111) unless `checkAge` is false.
 */
export async function warm(call: Call, { checkAge = true } = {}): Promise<Reply> {
  const first = await viaFacade(call);
  expect(first.status, `${call.target}: ${JSON.stringify(first.body)}`).toBe(200);
  const deadline = Date.now() + SETTLE_WAIT_MS;
  let second = await viaFacade(call);
  while (second.cache === 'bypass' && Date.now() < deadline) {
    await sleep(250);
    second = await viaFacade(call);
    if (second.cache === 'miss') second = await viaFacade(call);
  }
  expect({ status: second.status, cache: second.cache }, call.target).toStrictEqual({ status: 200, cache: 'hit' });
  if (checkAge) expect(second.age, `${call.target}: Age of a hit`).toMatch(/^\d+$/);
  return second;
}

/** Reads `call` through the facade, then from Synapse: same status, and the facade's body is `expected(Synapse's)`. */
export async function readBoth(call: Call, expected: Expectation): Promise<{ facade: Reply; synapse: Reply }> {
  const fromFacade = await viaFacade(call);
  const synapse = await onSynapse(call);
  expect(fromFacade.status, `${call.target} (facade ${fromFacade.cache})`).toBe(synapse.status);
  const wanted = synapse.status === 200 ? expected(synapse.body) : synapse.body;
  expect(comparable(fromFacade.body), `${call.target} (facade ${fromFacade.cache})`).toStrictEqual(comparable(wanted));
  return { facade: fromFacade, synapse };
}

/** Calls `read` every `everyMs` until `done` or `timeoutMs`; returns every reply (the last one first checked by the caller). */
export async function pollReplies(read: () => Promise<Reply>, done: (reply: Reply) => boolean, timeoutMs: number, everyMs = 100): Promise<Reply[]> {
  const replies: Reply[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await read();
    replies.push(reply);
    if (done(reply) || Date.now() > deadline) return replies;
    await sleep(everyMs);
  }
}

/** A new local user registered with the shared secret (optionally a server admin), with its password. */
export async function registerUser(prefix: string, admin = false): Promise<{ userId: string; accessToken: string; username: string; password: string }> {
  const username = `${prefix}${randomBytes(5).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  const registrationSharedSecret = await readRegistrationSharedSecret();
  const user = await registerOrLogin({ baseUrl: inject('synapse').baseUrl, registrationSharedSecret, username, password, admin });
  return { ...user, username, password };
}

/** A fresh room named `name` created directly on Synapse by `token`'s user. */
export async function createRoom(token: string, name: string, preset = 'public_chat'): Promise<string> {
  const answer = await onSynapse({ method: 'POST', target: '/_matrix/client/v3/createRoom', token, body: { preset, name } });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.room_id as string;
}

/** A room name no other room has, so `search_term` finds exactly that room. */
export const uniqueName = (what: string) => `e2e-${what}-${randomBytes(6).toString('hex')}`;
