// Owned routes answer Synapse's 401 M_MISSING_TOKEN before any validation, and send nothing upstream.
import { describe, expect, it } from 'vitest';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';

const { facade, upstream } = useFacadeOverFake();

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${facade().url}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

describe('token presence on owned routes (Synapse: synapse/api/auth/base.py)', () => {
  it('no token → 401 Missing access token, even with invalid parameters', async () => {
    const before = upstream().requests.length;
    const answer = await get('/_synapse/admin/v1/rooms?limit=abc');
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ errcode: 'M_MISSING_TOKEN', error: 'Missing access token' });
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(upstream().requests.length).toBe(before);
  });

  it('header and access_token together → Mixing', async () => {
    const answer = await get('/_synapse/admin/v1/rooms?access_token=abc', { authorization: 'Bearer x' });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('Mixing Authorization headers and access_token query parameters.');
  });

  it.each(['Basic abc', 'Bearer', 'bearer abc', 'Bearer a b', ''])('Authorization %j → Invalid Authorization header.', async (value) => {
    const answer = await get('/_synapse/admin/v1/federation/destinations', { authorization: value });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ errcode: 'M_MISSING_TOKEN', error: 'Invalid Authorization header.' });
  });

  it('two Authorization headers → Too many Authorization headers.', async () => {
    const { request } = await import('undici');
    const response = await request(`${facade().url}/_synapse/admin/v1/rooms`, {
      headers: ['authorization', 'Bearer a', 'authorization', 'Bearer b'],
    });
    expect(response.statusCode).toBe(401);
    expect(await response.body.json()).toEqual({ errcode: 'M_MISSING_TOKEN', error: 'Too many Authorization headers.' });
  });

  it('a token in the query string is accepted and forwarded unchanged', async () => {
    const answer = await fetch(`${facade().url}/_synapse/admin/v1/rooms/!a:hs/members?access_token=s%65cret`);
    expect(answer.status).toBe(200);
    expect(upstream().requests).toHaveLength(1);
    expect(upstream().requests[0]!.url).toBe('/_synapse/admin/v1/rooms/!a:hs/members?access_token=s%65cret');
  });

  it('the Authorization header is forwarded unchanged', async () => {
    await get('/_synapse/admin/v1/rooms/!a:hs/members', { authorization: 'Bearer tok_en' });
    expect(upstream().requests[0]!.headers.authorization).toBe('Bearer tok_en');
  });

  it('pass-through paths need no token (login, server_version)', async () => {
    const answer = await fetch(`${facade().url}/_synapse/admin/v1/server_version`);
    expect(answer.status).toBe(200);
    expect(upstream().requests).toHaveLength(1);
  });
});

describe('HEAD on an owned route', () => {
  it('is validated like the GET Synapse treats it as, and answers headers only', async () => {
    upstream().requests.length = 0;
    const refused = await fetch(`${facade().url}/_synapse/admin/v1/rooms?limit=x`, { method: 'HEAD', headers: { authorization: 'Bearer t' } });
    expect(refused.status).toBe(400);
    expect(upstream().requests).toHaveLength(0);
    const answered = await fetch(`${facade().url}/_synapse/admin/v1/rooms/!a:hs/members`, { method: 'HEAD', headers: { authorization: 'Bearer t' } });
    expect(answered.status).toBe(200);
    expect(await answered.text()).toBe('');
    expect(upstream().requests.map((seen) => seen.method)).toEqual(['GET']);
  });
});
