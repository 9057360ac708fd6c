// Regression (issue 9): a made-up token cannot read admin data through the verified-admin gate.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { ADMIN_LOGIN } from '../../scripts/synapse/up.ts';
import { admin, seg } from './support/compare.ts';
import { onSynapse, registerUser, send, useCachingFacade, viaFacade, warm, type Call, type Reply } from './support/cache-probe.ts';

useCachingFacade();
const ROOM_X = admin('/v1/rooms/x');
const LIST = admin('/v1/rooms?limit=2');
const adminToken = () => inject('synapse').adminToken;
/** A token Synapse never issued, shaped like its own (`syt_` + 32 hex). */
const madeUpToken = () => `syt_${randomBytes(16).toString('hex')}`;

/** `x1: 1` … `x501: 1`: one header more than Twisted's 500. */
function manyHeaders(): Record<string, string> {
  return Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`x${i + 1}`, '1']));
}

/*
 * The head-size window, measured against Synapse 1.163.2 and Node 24 on 127.0.0.1 (5-digit ports, undici adding
 * `host` and `connection`). Counting the request target plus every header line the test adds (`name: value\r\n`):
 * Twisted (request line + headers > 16384 bytes → bare `400 Bad Request`) still answered up to 16,336 bytes and
 * refused from 16,337; Node's HTTP server (16 KiB max header size, the facade's) accepted up to 16,356 bytes and
 * answered 431 from 16,357. For GET /_synapse/admin/v1/rooms/x with `Authorization: Bearer <42 chars>` that is an
 * `x-padding` value of 16,231 (Synapse's last 401) vs 16,251 bytes (Node's last accepted). HEAD_BYTES aims at the
 * middle of that 20-byte window.
 */
const HEAD_BYTES = 16_346;

/** `headers` plus an `x-padding` header that brings the head of `target` to HEAD_BYTES. */
function padded(target: string, headers: Record<string, string>, shrink = 0): Record<string, string> {
  const used = Buffer.byteLength(target) + Object.entries(headers).reduce((sum, [k, v]) => sum + Buffer.byteLength(`${k}: ${v}\r\n`), 0);
  return { ...headers, 'x-padding': 'a'.repeat(HEAD_BYTES - used - 'x-padding: \r\n'.length - shrink) };
}

/** The attack request on ROOM_X: `token` in Authorization or `?access_token=`, with 501 headers or one big one. */
function attack(shape: 'many' | 'big', placement: 'header' | 'query', token: string): Call {
  const target = placement === 'query' ? `${ROOM_X}?access_token=${encodeURIComponent(token)}` : ROOM_X;
  const auth: Record<string, string> = placement === 'header' ? { authorization: `Bearer ${token}` } : {};
  return { target, headers: shape === 'many' ? { ...auth, ...manyHeaders() } : padded(target, auth) };
}

/** A refused answer that leaks nothing: `status`/`errcode`, no `rooms`, not served from the cache. */
function expectRefused(reply: Reply, status: number, errcode: string, label: string): void {
  expect({ status: reply.status, errcode: reply.body.errcode }, `${label}: ${JSON.stringify(reply.body).slice(0, 200)}`).toStrictEqual({ status, errcode });
  expect(reply.body, label).not.toHaveProperty('rooms');
  expect(reply.cache, label).not.toBe('hit');
}

/** Reads LIST twice with `token`; the second must be a hit (the `Age` header is read-your-writes.test.ts's business). */
const warmList = (token = adminToken()) => warm({ target: LIST, token }, { checkAge: false });

describe('Twisted answers a bare 400 before Synapse’s auth runs', () => {
  it('to more than 500 headers, whatever the token', async () => {
    const answer = await onSynapse(attack('many', 'header', madeUpToken()));
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body)).toStrictEqual(['nonJsonBody']);
  });

  it('to a head over 16384 bytes that Node’s HTTP server (the facade’s) still accepts', async () => {
    const call = attack('big', 'header', madeUpToken());
    const answer = await onSynapse(call);
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body)).toStrictEqual(['nonJsonBody']);
    // 20 bytes less and Synapse's auth runs: it is the size, not the header, that Twisted refuses.
    const smaller = await onSynapse({ ...call, headers: padded(call.target, { authorization: call.headers!.authorization! }, 20) });
    expect({ status: smaller.status, errcode: smaller.body.errcode }).toStrictEqual({ status: 401, errcode: 'M_UNKNOWN_TOKEN' });
    const server = createServer((_request, response) => response.end('accepted'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      expect((await send(`http://127.0.0.1:${port}`, call)).status).toBe(200);
    } finally {
      server.close();
    }
  });
});

describe('a pre-auth 400 proves nothing: hostile tokens never read the admin’s cached rooms list', () => {
  const kinds = [
    { kind: 'made-up token', token: madeUpToken, status: 401, errcode: 'M_UNKNOWN_TOKEN' },
    { kind: 'non-admin user token', token: () => inject('synapse').userToken, status: 403, errcode: 'M_FORBIDDEN' },
  ] as const;
  for (const shape of ['many', 'big'] as const) {
    for (const placement of ['header', 'query'] as const) {
      for (const { kind, token: tokenOf, status, errcode } of kinds) {
        const name = `${shape === 'many' ? '501 headers' : 'one big x-padding header'}, ${kind} in ${placement === 'header' ? 'Authorization' : '?access_token='}`;
        it(`${name}: the attack and the follow-up read are refused`, async () => {
          await warmList();
          const token = tokenOf();
          const attacked = await viaFacade(attack(shape, placement, token));
          expect(attacked.status, `attack: ${JSON.stringify(attacked.body).slice(0, 200)}`).not.toBe(200);
          expect(attacked.body, 'attack').not.toHaveProperty('rooms');
          expectRefused(await viaFacade({ target: LIST, token }), status, errcode, 'follow-up read');
        });
      }
    }
  }
});

describe('an oversized allowlisted header is the facade’s own 431', () => {
  it('a 9,000-byte User-Agent gets M_TOO_LARGE, and the token stays unverified', async () => {
    await warmList();
    const token = madeUpToken();
    const answer = await viaFacade({ target: ROOM_X, token, headers: { 'user-agent': 'a'.repeat(9_000) } });
    expect({ status: answer.status, errcode: answer.body.errcode }).toStrictEqual({ status: 431, errcode: 'M_TOO_LARGE' });
    expect(answer.body.error).toEqual(expect.any(String));
    expectRefused(await viaFacade({ target: LIST, token }), 401, 'M_UNKNOWN_TOKEN', 'follow-up read');
  });
});

describe('a verdict does not outlive the token’s rights', () => {
  it('logout through the facade drops the verdict: the dead token is 401 at once', async () => {
    const login = await viaFacade({
      method: 'POST', target: '/_matrix/client/v3/login',
      body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: ADMIN_LOGIN.username }, password: ADMIN_LOGIN.password },
    });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const token = login.body.access_token as string;
    await warmList();
    await warmList(token);
    const logout = await viaFacade({ method: 'POST', target: '/_matrix/client/v3/logout', token, body: {} });
    expect(logout.status, JSON.stringify(logout.body)).toBe(200);
    expectRefused(await viaFacade({ target: LIST, token }), 401, 'M_UNKNOWN_TOKEN', 'read after logout');
  });

  it('demotion through the facade drops the verdict: the demoted token is 403 at once', async () => {
    const second = await registerUser('e2eadmin');
    const flag = (value: boolean): Call => ({ method: 'PUT', target: admin(`/v1/users/${seg(second.userId)}/admin`), token: adminToken(), body: { admin: value } });
    expect((await onSynapse(flag(true))).status).toBe(200);
    await warmList();
    await warmList(second.accessToken);
    const demoted = await viaFacade(flag(false));
    expect(demoted.status, JSON.stringify(demoted.body)).toBe(200);
    expectRefused(await viaFacade({ target: LIST, token: second.accessToken }), 403, 'M_FORBIDDEN', 'read after demotion');
  });
});
