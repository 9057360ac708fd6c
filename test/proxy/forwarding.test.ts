// Forwarding rules: raw targets, headers, upstream failures as 502/504, Synapse's errors unchanged.
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { rawHttp } from '../support/raw-http.ts';
import { replyJson } from '../support/fake-upstream.ts';
import { bearer, FAKE_UPSTREAM, startTestFacade } from '../support/facade.ts';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';

const { facade, upstream } = useFacadeOverFake(
  { upstreamHeadersTimeoutMs: 300, trustedProxies: '' },
  { handler: (_request, response) => replyJson(response, 200, { ok: true }) },
);

describe('pass-through', () => {
  it('forwards the raw target byte for byte (; separators, encoding, key order)', async () => {
    const target = '/_synapse/admin/v2/users?b=2;a=%2F&raw&x=%zz';
    await request(`${facade().url}${target}`);
    expect(upstream().requests[0]!.url).toBe(target);
  });

  it('streams a request body and the method unchanged', async () => {
    const body = JSON.stringify({ type: 'm.login.password', user: 'admin', password: 'p' });
    await fetch(`${facade().url}/_matrix/client/v3/login`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(upstream().requests[0]).toMatchObject({ method: 'POST', url: '/_matrix/client/v3/login', body });
  });

  it('passes admin mutations it does not own through untouched', async () => {
    await fetch(`${facade().url}/_synapse/admin/v1/join/!a:hs`, { method: 'POST', body: '{"user_id":"@u:hs"}', headers: bearer('t') });
    expect(upstream().requests[0]).toMatchObject({ method: 'POST', url: '/_synapse/admin/v1/join/!a:hs', body: '{"user_id":"@u:hs"}' });
  });

  it('adds CORS headers to pass-through answers', async () => {
    const response = await fetch(`${facade().url}/_matrix/client/versions`);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, HEAD, POST, PUT, DELETE, OPTIONS');
  });

  it('HEAD goes on as HEAD and comes back with Synapse\'s status and headers, and no body', async () => {
    upstream().handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '11', 'x-synapse': 'yes' });
      response.end();
    });
    const response = await request(`${facade().url}/_matrix/client/versions`, { method: 'HEAD' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe('11');
    expect(response.headers['x-synapse']).toBe('yes');
    expect(await response.body.text()).toBe('');
    expect(upstream().requests[0]).toMatchObject({ method: 'HEAD', url: '/_matrix/client/versions' });
  });

  it('a large answer reaches a slow reader whole (read paused while the client catches up)', async () => {
    const big = 'x'.repeat(4 * 1024 * 1024);
    upstream().handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(big);
    });
    const response = await request(`${facade().url}/_matrix/media/v3/download/hs/big`);
    let received = '';
    for await (const chunk of response.body) {
      received += String(chunk);
      // A reader slower than the upstream: the facade's socket buffer fills and it must pause Synapse's answer.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(received.length).toBe(big.length);
  });

  it('never follows redirects', async () => {
    upstream().handle((_request, response) => {
      response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
      response.end();
    });
    const response = await fetch(`${facade().url}/_matrix/client/v3/login/sso/redirect`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:1/elsewhere');
    expect(upstream().requests).toHaveLength(1);
  });
});

describe('headers', () => {
  it('strips hop-by-hop headers and those named in Connection', async () => {
    await rawHttp(
      facade().url,
      'GET /_matrix/client/versions HTTP/1.1\r\nConnection: x-secret-hop\r\nX-Secret-Hop: 1\r\nKeep-Alive: timeout=5\r\nX-Kept: yes\r\nTE: trailers',
    );
    const seen = upstream().requests[0]!.headers;
    expect(seen['x-secret-hop']).toBeUndefined();
    expect(seen['keep-alive']).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen['x-kept']).toBe('yes');
  });

  it('overwrites X-Forwarded-For/-Proto from an untrusted peer', async () => {
    await request(`${facade().url}/_matrix/client/versions`, {
      headers: { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-proto': 'https' },
    });
    const seen = upstream().requests[0]!;
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.rawHeaders.filter((name) => name.toLowerCase() === 'x-forwarded-for')).toHaveLength(1);
  });

  it('appends to X-Forwarded-For from a trusted proxy', async () => {
    const trusting = await startTestFacade(upstream().url, { ...FAKE_UPSTREAM, trustedProxies: '127.0.0.1' });
    await request(`${trusting.url}/_matrix/client/versions`, {
      headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' },
    });
    await trusting.close();
    expect(upstream().requests[0]!.headers['x-forwarded-for']).toBe('203.0.113.9, 127.0.0.1');
    expect(upstream().requests[0]!.headers['x-forwarded-proto']).toBe('https');
  });
});

describe('upstream faults', () => {
  it("passes Synapse's own error answers through unchanged", async () => {
    upstream().handle((_request, response) =>
      replyJson(response, 403, { errcode: 'M_FORBIDDEN', error: 'You are not a server admin' }, { server: 'Synapse/1.163.2' }),
    );
    const response = await fetch(`${facade().url}/_synapse/admin/v1/rooms`, { headers: bearer('user') });
    expect(response.status).toBe(403);
    expect(response.headers.get('server')).toBe('Synapse/1.163.2');
    expect(await response.json()).toEqual({ errcode: 'M_FORBIDDEN', error: 'You are not a server admin' });
  });

  it('upstream timeout → 504 Matrix error, on owned and pass-through routes', async () => {
    upstream().handle(() => {
      /* never answers */
    });
    for (const path of ['/_synapse/admin/v1/rooms', '/_matrix/client/versions']) {
      const response = await fetch(`${facade().url}${path}`, { headers: bearer('t') });
      expect(response.status).toBe(504);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.json()).toEqual({ errcode: 'M_UNKNOWN', error: 'Synapse did not answer the admin facade in time' });
    }
  });

  it('upstream unreachable → 502 Matrix error', async () => {
    const orphan = await startTestFacade('http://127.0.0.1:9');
    for (const path of ['/_synapse/admin/v1/federation/destinations', '/_matrix/client/versions']) {
      const response = await fetch(`${orphan.url}${path}`, { headers: bearer('t') });
      expect(response.status).toBe(502);
      expect(await response.json()).toEqual({ errcode: 'M_UNKNOWN', error: 'Synapse is unreachable from the admin facade' });
    }
    await orphan.close();
  });
});

describe('CORS and well-known', () => {
  it('answers OPTIONS on any path with 204 and the CORS headers, without auth or upstream', async () => {
    const response = await fetch(`${facade().url}/_synapse/admin/v1/rooms/!x:hs/members`, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toBe('X-Requested-With, Content-Type, Authorization, Date');
    expect(response.headers.get('access-control-expose-headers')).toBe('Synapse-Trace-Id, Server, X-Facade-Cache, X-Facade-Source, X-Request-Id');
    expect(upstream().requests).toHaveLength(0);
  });

  it("rewrites Synapse's well-known base_url to the facade's and keeps other keys", async () => {
    upstream().handle((_request, response) =>
      replyJson(response, 200, { 'm.homeserver': { base_url: 'http://synapse.internal:8008' }, 'm.identity_server': { base_url: 'https://id.example' } }),
    );
    const withBase = await startTestFacade(upstream().url, { ...FAKE_UPSTREAM, publicBaseUrl: 'https://admin.example.org/' });
    const body = await (await fetch(`${withBase.url}/.well-known/matrix/client`)).json();
    await withBase.close();
    expect(body).toEqual({ 'm.homeserver': { base_url: 'https://admin.example.org' }, 'm.identity_server': { base_url: 'https://id.example' } });
  });

  it('answers well-known itself when Synapse has none', async () => {
    upstream().handle((_request, response) => replyJson(response, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }));
    const body = await (await fetch(`${facade().url}/.well-known/matrix/client`)).json();
    expect(body).toEqual({ 'm.homeserver': { base_url: facade().url } });
  });
});
