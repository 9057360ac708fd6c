// Issue 9, the verification rule: only a 200 that fits the route's schema (or whoami plus the admin flag)
// proves an admin. A programmable upstream answers a hostile token's first GET every other way.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { replyJson, startFakeUpstream, type FakeUpstream, type SeenRequest } from '../support/fake-upstream.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { getAs } from '../routes/support.ts';

const ADMIN = 'admin-token';
const HOSTILE = 'hostile-token';
const LIST = '/_synapse/admin/v1/rooms?limit=2';
/** The list as the facade sends it upstream: canonical, with Synapse's defaults. */
const isList = (url: string) => url.startsWith('/_synapse/admin/v1/rooms?') && url.includes('limit=2');
const ROOM_LIST = { rooms: [{ room_id: '!secret:hs', name: 'Secret', joined_members: 2 }], offset: 0, total_rooms: 1 };
const refusal = { errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.', soft_logout: false };

/** How the upstream answers the hostile token's first request (anything but a fitting 200). */
type Crafted = (response: ServerResponse) => void;
const crafted: Record<string, Crafted> = {
  'a bare 400 (Twisted, pre-auth)': (response) => response.writeHead(400).end(),
  'a 404 Matrix error': (response) => replyJson(response, 404, { errcode: 'M_NOT_FOUND', error: 'Room not found' }),
  'a 302 redirect': (response) => response.writeHead(302, { location: '/' }).end(),
  'a 500': (response) => replyJson(response, 500, { errcode: 'M_UNKNOWN', error: 'Internal server error' }),
  'a 200 that is not JSON': (response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>ok</html>'),
  'a 200 that does not fit the schema': (response) => replyJson(response, 200, { rooms: 'many' }),
  'an empty 200': (response) => response.writeHead(200).end(),
};

const tokenOf = (request: SeenRequest) => String(request.headers.authorization ?? '').replace('Bearer ', '');

/** The admin reads the list and passes the gate's lookups; the hostile token is refused except where crafted. */
function handler(firstHostile: Crafted, hold?: Promise<void>) {
  let crafting = true;
  return async (request: SeenRequest, response: ServerResponse) => {
    const admin = tokenOf(request) === ADMIN;
    if (request.url.startsWith('/_matrix/client/v3/account/whoami')) {
      return admin ? replyJson(response, 200, { user_id: '@admin:hs' }) : replyJson(response, 401, refusal);
    }
    if (request.url.includes('/users/')) return replyJson(response, 200, { admin });
    if (!admin && crafting && request.url.startsWith('/_synapse/admin/v1/rooms/')) {
      crafting = false;
      return firstHostile(response);
    }
    if (!admin) return replyJson(response, 401, refusal);
    if (hold && isList(request.url)) await hold;
    replyJson(response, 200, ROOM_LIST);
  };
}

let upstream: FakeUpstream | undefined;
let facade: TestFacade | undefined;
afterEach(async () => {
  await facade?.close();
  await upstream?.close();
});

describe('issue 9: nothing but a fitting 200 verifies a token', () => {
  for (const [what, answer] of Object.entries(crafted)) {
    it(`${what} to a made-up token's first GET leaves it unverified: no cache hit, no admin data`, async () => {
      upstream = await startFakeUpstream(handler(answer));
      facade = await startTestFacade(upstream.url);
      await getAs(facade.url, LIST, ADMIN);
      expect((await getAs(facade.url, LIST, ADMIN)).headers.get('x-facade-cache')).toBe('hit');
      const first = await getAs(facade.url, '/_synapse/admin/v1/rooms/!x:hs', HOSTILE);
      expect(first.text).not.toContain('Secret');
      const read = await getAs(facade.url, LIST, HOSTILE);
      expect(read.status).toBe(401);
      expect(read.body).toEqual(refusal);
      expect(read.headers.get('x-facade-cache')).not.toBe('hit');
    });
  }

  it('a made-up token never joins an admin’s request in flight (cache off, Synapse slow)', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    upstream = await startFakeUpstream(handler(crafted['a bare 400 (Twisted, pre-auth)']!, hold));
    facade = await startTestFacade(upstream.url, { cacheMaxBytes: 0 });
    expect((await getAs(facade.url, '/_synapse/admin/v1/rooms?limit=1', ADMIN)).status).toBe(200);
    const adminRead = getAs(facade.url, LIST, ADMIN);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await getAs(facade.url, '/_synapse/admin/v1/rooms/!x:hs', HOSTILE);
    const hostileRead = await getAs(facade.url, LIST, HOSTILE);
    release();
    expect(hostileRead.status).toBe(401);
    expect(hostileRead.text).not.toContain('Secret');
    expect((await adminRead).status).toBe(200);
    expect(upstream.requests.filter((request) => tokenOf(request) === HOSTILE && isList(request.url))).toHaveLength(1);
  });

  it('a fitting 200 to a fresh admin token proves it: no lookups, and the answer is shared', async () => {
    upstream = await startFakeUpstream(handler(crafted['a 404 Matrix error']!));
    facade = await startTestFacade(upstream.url);
    expect((await getAs(facade.url, LIST, ADMIN)).status).toBe(200);
    expect((await getAs(facade.url, LIST, ADMIN)).headers.get('x-facade-cache')).toBe('hit');
    expect(upstream.requests).toHaveLength(1);
    expect(isList(upstream.requests[0]!.url)).toBe(true);
  });
});
