// Paths the facade does not own go to Synapse unchanged: login, whoami, server_version without a token.
import { describe, expect, inject, it } from 'vitest';
import { direct, expectSameAnswer, useFacade, viaFacade } from './support/compare.ts';
import { unchanged } from './support/expected.ts';

useFacade();

describe('e2e pass-through', () => {
  it('password login through the facade gives a token that works through the facade and directly', async () => {
    const { serverName } = inject('synapse');
    const login = await viaFacade({
      method: 'POST',
      target: '/_matrix/client/v3/login',
      token: 'none',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'alice-password' }),
    });
    expect(login.status).toBe(200);
    expect(login.body.user_id).toBe(`@alice:${serverName}`);
    const headers = { authorization: `Bearer ${String(login.body.access_token)}` };
    const viaProxy = await viaFacade({ target: '/_matrix/client/v3/account/whoami', token: 'none', headers });
    const straight = await direct({ target: '/_matrix/client/v3/account/whoami', token: 'none', headers });
    expect(viaProxy).toStrictEqual({ status: 200, body: { user_id: `@alice:${serverName}`, device_id: login.body.device_id, is_guest: false } });
    expect(straight).toStrictEqual(viaProxy);
    const logout = await viaFacade({ method: 'POST', target: '/_matrix/client/v3/logout', token: 'none', headers, body: '{}' });
    expect(logout.status).toBe(200);
    expect((await direct({ target: '/_matrix/client/v3/account/whoami', token: 'none', headers })).status).toBe(401);
  });

  it('a wrong password is Synapse’s 403', async () => {
    await expectSameAnswer({
      method: 'POST',
      target: '/_matrix/client/v3/login',
      token: 'none',
      body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'wrong' }),
    }, unchanged);
  });

  it('whoami with the admin and user tokens, and server_version without any token', async () => {
    await expectSameAnswer({ target: '/_matrix/client/v3/account/whoami' }, unchanged);
    await expectSameAnswer({ target: '/_matrix/client/v3/account/whoami', token: 'user' }, unchanged);
    const both = await expectSameAnswer({ target: '/_synapse/admin/v1/server_version', token: 'none' }, unchanged);
    expect(both.synapse.status).toBe(200);
    expect(both.facade.body.server_version).toBe(inject('synapse').version);
  });

  it('admin paths the facade does not own, and unknown admin paths', async () => {
    await expectSameAnswer({ target: '/_synapse/admin/v2/users?limit=2' }, unchanged);
    await expectSameAnswer({ target: '/_synapse/admin/v1/no/such/thing' }, unchanged);
    await expectSameAnswer({ target: `/_synapse/admin/v2/rooms/${encodeURIComponent(inject('synapseSeed').rooms.public)}` }, unchanged);
  });
});
