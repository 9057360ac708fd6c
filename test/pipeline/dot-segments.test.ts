// A path ID that is a dot segment (`.`, `..`, in any encoding) is never sent: the facade answers what Synapse
// answers for it, which the mock (routing raw targets, as Twisted does) shows.
import { describe, expect, it } from 'vitest';
import { decodePathSegment, isDotSegment } from '../../src/internal/path.ts';
import { DEFAULT_ADMIN_TOKEN } from '../../src/mock/constants.ts';
import { BIG_ROOM_ID, COMPLETE_DELETE_ID, FAILING_DESTINATION } from '../../src/mock/fixtures.ts';
import { ownedRoutes } from '../../src/routes/owned-routes.ts';
import { rawHttp } from '../support/raw-http.ts';
import { useFacadeOverMock } from '../routes/support.ts';

const pair = useFacadeOverMock();
const DOT_FORMS = ['.', '..', '%2E', '%2e%2E', '.%2E', '%2E.'];

/** A valid value for every path group other than the one under test. */
const otherValue = (group: string): string => ({
  room_id: encodeURIComponent(BIG_ROOM_ID),
  room_identifier: encodeURIComponent(BIG_ROOM_ID),
  event_id: encodeURIComponent(pair.mock().state.rooms.get(BIG_ROOM_ID)!.timeline[100]!.eventId),
  destination: encodeURIComponent(FAILING_DESTINATION),
  delete_id: COMPLETE_DELETE_ID,
})[group] ?? 'x';

/** One raw request and its answer (status and JSON body). */
async function send(baseUrl: string, method: string, target: string, token: string | null = DEFAULT_ADMIN_TOKEN) {
  const body = method === 'GET' || method === 'POST' ? '' : '{}';
  const auth = token === null ? '' : `\r\nAuthorization: Bearer ${token}`;
  const { status, text } = await rawHttp(baseUrl, `${method} ${target} HTTP/1.1${auth}`, body);
  return { status, body: JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as unknown };
}

/** Every (route, group, dot form) with the request target that puts the dot form in that group. */
const cases = ownedRoutes.flatMap((route) => {
  const template = `/_synapse/admin${route.name.slice(route.name.indexOf(' ') + 1)}`;
  const groups = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
  const query = route.name.endsWith('timestamp_to_event') ? '?ts=1' : '';
  return groups.flatMap((group) => DOT_FORMS.map((dot) => ({
    title: `${route.name}: ${group} = ${dot}`,
    method: route.method,
    target: () => template.replace(/\{([^}]+)\}/g, (_all, name: string) => (name === group ? dot : otherValue(name))) + query,
  })));
});

describe('issue 10 #7: Dot-only IDs — answered by the facade as Synapse answers them, never sent', () => {
  it.each(cases)('$title', async ({ method, target }) => {
    pair.mock().reset();
    const viaFacade = await send(pair.facade().url, method, target());
    const sent = pair.mock().requests.map((request) => request.url.split('?')[0]!.split('/').map(decodePathSegment));
    expect(sent.filter((segments) => segments.some(isDotSegment))).toEqual([]);
    pair.mock().reset();
    const fromSynapse = await send(pair.mock().url, method, target());
    expect(viaFacade).toEqual(fromSynapse);
  });

  it('the token check still comes first', async () => {
    const target = '/_synapse/admin/v1/federation/destinations/..';
    expect(await send(pair.facade().url, 'GET', target, null)).toEqual({ status: 401, body: { errcode: 'M_MISSING_TOKEN', error: 'Missing access token' } });
    const unknown = await send(pair.facade().url, 'GET', target, 'not-a-token');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN' });
  });
});
