// Login pass-through targets, and that instances are deterministic yet independent.
import { describe, it, expect } from 'vitest';
import { call, useMockSynapse } from './support.ts';
import { startMockSynapse } from '../../src/mock/server.ts';
import { ADMIN_PASSWORD, ALICE_PASSWORD, DEFAULT_USER_TOKEN } from '../../src/mock/constants.ts';

const mock = useMockSynapse();

describe('login flow of admin UIs', () => {
  it('serves health, server_version and client versions without auth', async () => {
    const health = await fetch(`${mock().url}/health`);
    expect(await health.text()).toBe('OK');
    expect((await call(mock(), 'GET', '/_synapse/admin/v1/server_version', { token: null })).body).toEqual({ server_version: '1.163.2' });
    expect((await call(mock(), 'GET', '/_matrix/client/versions', { token: null })).body.versions).toContain('v1.1');
    expect((await call(mock(), 'GET', '/_matrix/client/r0/login', { token: null })).body.flows).toContainEqual({ type: 'm.login.password' });
  });

  it('logs in with a password, then whoami, admin check and logout', async () => {
    const login = await call(mock(), 'POST', '/_matrix/client/v3/login', {
      token: null, body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'admin' }, password: ADMIN_PASSWORD },
    });
    expect(login.body).toMatchObject({ user_id: '@admin:mock.example', home_server: 'mock.example', access_token: expect.any(String) });
    const token = login.body.access_token as string;
    expect((await call(mock(), 'GET', '/_matrix/client/v3/account/whoami', { token })).body.user_id).toBe('@admin:mock.example');
    expect((await call(mock(), 'GET', '/_synapse/admin/v2/users/%40admin%3Amock.example', { token })).body.admin).toBe(true);
    await call(mock(), 'POST', '/_matrix/client/v3/logout', { token });
    expect((await call(mock(), 'GET', '/_matrix/client/v3/account/whoami', { token })).status).toBe(401);
  });

  it('reports non-admins as admin false and rejects wrong passwords', async () => {
    expect((await call(mock(), 'GET', '/_synapse/admin/v2/users/@alice:mock.example')).body.admin).toBe(false);
    const bad = await call(mock(), 'POST', '/_matrix/client/r0/login', { token: null, body: { type: 'm.login.password', user: 'alice', password: `${ALICE_PASSWORD}x` } });
    expect(bad.status).toBe(403);
  });
});

describe('user admin flag (GET /_synapse/admin/v1/users/<user_id>/admin)', () => {
  const adminFlag = (userId: string, token?: string) => call(mock(), 'GET', `/_synapse/admin/v1/users/${userId}/admin`, token === undefined ? {} : { token });

  it('answers the admin flag of local users, false for unknown ones', async () => {
    expect((await adminFlag('%40admin%3Amock.example')).body).toEqual({ admin: true });
    expect((await adminFlag('@alice:mock.example')).body).toEqual({ admin: false });
    expect((await adminFlag('@nobody:mock.example')).body).toEqual({ admin: false });
  });

  it('refuses non-admin callers with 403 before looking at the user ID', async () => {
    const res = await adminFlag('not-a-user-id', DEFAULT_USER_TOKEN);
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ errcode: 'M_FORBIDDEN', error: 'You are not a server admin' });
  });

  it('parses the user ID like UserID.from_string, then refuses remote users', async () => {
    expect((await adminFlag('alice:mock.example')).body).toEqual({ errcode: 'M_INVALID_PARAM', error: "Expected UserID string to start with '@'" });
    expect((await adminFlag('@alice')).body).toEqual({ errcode: 'M_INVALID_PARAM', error: "Expected UserID of the form '@localname:domain'" });
    const remote = await adminFlag('@bob:other.example');
    expect(remote.status).toBe(400);
    expect(remote.body).toEqual({ errcode: 'M_UNKNOWN', error: 'Only local users can be admins of this homeserver' });
  });

  it('shares the user ID parsing with the v2 user lookup', async () => {
    const res = await call(mock(), 'GET', '/_synapse/admin/v2/users/alice:mock.example');
    expect(res.body).toEqual({ errcode: 'M_INVALID_PARAM', error: "Expected UserID string to start with '@'" });
  });
});

describe('instances', () => {
  it('generate the same data for the same seed and do not share state', async () => {
    const [a, b] = await Promise.all([startMockSynapse(), startMockSynapse()]);
    try {
      const listA = await call(a, 'GET', '/_synapse/admin/v1/rooms?limit=1000');
      const listB = await call(b, 'GET', '/_synapse/admin/v1/rooms?limit=1000');
      expect(listA.body.rooms).toEqual(listB.body.rooms);
      expect(listA.body.total_rooms).toBeGreaterThanOrEqual(150);
      await call(a, 'PUT', '/_synapse/admin/v1/rooms/!z:mock.example/block', { body: { block: true } });
      expect((await call(b, 'GET', '/_synapse/admin/v1/rooms/!z:mock.example/block')).body.block).toBe(false);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('honours custom tokens and latency', async () => {
    const custom = await startMockSynapse({ adminToken: 'custom', latencyMs: 50 });
    try {
      const started = performance.now();
      expect((await call(custom, 'GET', '/_synapse/admin/v1/rooms?limit=1', { token: 'custom' })).status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(45);
      expect((await call(custom, 'GET', '/_synapse/admin/v1/rooms?limit=1')).status).toBe(401);
    } finally {
      await custom.close();
    }
  });
});
