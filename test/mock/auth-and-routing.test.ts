// Authentication texts, routing before auth (404/405), OPTIONS and the headers on every JSON response.
import { describe, it, expect } from 'vitest';
import { call, useMockSynapse } from './support.ts';
import { DEFAULT_USER_TOKEN, EXPIRED_ADMIN_TOKEN } from '../../src/mock/constants.ts';

const mock = useMockSynapse();

describe('auth (Synapse §1.2)', () => {
  it('answers 401 M_MISSING_TOKEN without a token', async () => {
    const res = await call(mock(), 'GET', '/_synapse/admin/v1/rooms', { token: null });
    expect(res).toMatchObject({ status: 401, body: { errcode: 'M_MISSING_TOKEN', error: 'Missing access token' } });
  });

  it('refuses mixing the header and access_token', async () => {
    const res = await call(mock(), 'GET', '/_synapse/admin/v1/rooms?access_token=x');
    expect(res.body).toEqual({ errcode: 'M_MISSING_TOKEN', error: 'Mixing Authorization headers and access_token query parameters.' });
  });

  it('rejects a header that is not exactly "Bearer <token>"', async () => {
    const res = await call(mock(), 'GET', '/_synapse/admin/v1/rooms', { token: null, headers: { Authorization: 'bearer abc' } });
    expect(res.body.error).toBe('Invalid Authorization header.');
  });

  it('rejects unknown tokens with soft_logout false and expired ones with soft_logout true', async () => {
    const unknown = await call(mock(), 'GET', '/_synapse/admin/v1/rooms', { token: 'nope' });
    expect(unknown.body).toEqual({ errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.', soft_logout: false });
    const expired = await call(mock(), 'GET', '/_synapse/admin/v1/rooms', { token: EXPIRED_ADMIN_TOKEN });
    expect(expired.body).toEqual({ errcode: 'M_UNKNOWN_TOKEN', error: 'Access token has expired', soft_logout: true });
  });

  it('accepts the token as a query parameter, and refuses non-admins with 403', async () => {
    const ok = await call(mock(), 'GET', '/_synapse/admin/v1/rooms?limit=1&access_token=mock-admin-token', { token: null });
    expect(ok.status).toBe(200);
    const res = await call(mock(), 'GET', '/_synapse/admin/v1/rooms', { token: DEFAULT_USER_TOKEN });
    expect(res).toMatchObject({ status: 403, body: { errcode: 'M_FORBIDDEN', error: 'You are not a server admin' } });
  });
});

describe('routing', () => {
  it('answers unknown paths with 404 M_UNRECOGNIZED before auth', async () => {
    const res = await call(mock(), 'GET', '/_synapse/admin/v1/nothing', { token: null });
    expect(res).toMatchObject({ status: 404, body: { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' } });
  });

  it('answers GET on a v2 room with 405 M_UNRECOGNIZED before auth', async () => {
    const res = await call(mock(), 'GET', '/_synapse/admin/v2/rooms/!a:mock.example', { token: null });
    expect(res).toMatchObject({ status: 405, body: { errcode: 'M_UNRECOGNIZED' } });
  });

  it('routes an empty room ID to the details servlet', async () => {
    const res = await call(mock(), 'GET', '/_synapse/admin/v1/rooms/');
    expect(res).toMatchObject({ status: 404, body: { errcode: 'M_NOT_FOUND', error: 'Room not found' } });
  });

  it('answers any OPTIONS with 204 and CORS headers', async () => {
    const res = await fetch(`${mock().url}/anything/at/all`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('sends Synapse headers on errors and successes', async () => {
    for (const path of ['/_synapse/admin/v1/rooms?limit=1', '/_synapse/admin/v1/nothing']) {
      const res = await call(mock(), 'GET', path);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
      expect(res.headers.get('server')).toBe('Synapse/1.163.2');
      expect(res.headers.get('access-control-expose-headers')).toBe('Synapse-Trace-Id, Server');
    }
  });

  it('records every request with its raw URL and body', async () => {
    mock().reset();
    await call(mock(), 'PUT', '/_synapse/admin/v1/rooms/%21x%3Amock.example/block', { body: '{"block":false}' });
    expect(mock().requests).toHaveLength(1);
    expect(mock().requests[0]).toMatchObject({ method: 'PUT', url: '/_synapse/admin/v1/rooms/%21x%3Amock.example/block', body: '{"block":false}' });
  });
});
