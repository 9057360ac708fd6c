// No path input can change which upstream route is called: property tests over every owned route.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePathSegment, isDotSegment, UNKNOWN_ID_SEGMENT } from '../../src/internal/path.ts';
import { ownedRoutes } from '../../src/routes/owned-routes.ts';
import { rawHttp } from '../support/raw-http.ts';
import { replyJson } from '../support/fake-upstream.ts';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';

const { facade, upstream } = useFacadeOverFake({}, { handler: (_request, response) => replyJson(response, 200, {}) });

/** `GET /v1/rooms/{room_id}/members` → ['/_synapse/admin/v1/rooms/', '{room_id}', '/members']. */
function templateOf(routeName: string): string {
  return `/_synapse/admin${routeName.slice(routeName.indexOf(' ') + 1)}`;
}

/** The upstream path must have the template's shape, and each segment must decode to the sent value. */
function expectSameRoute(template: string, upstreamUrl: string, values: Record<string, string>): void {
  const path = upstreamUrl.split('?')[0]!;
  const templateSegments = template.split('/');
  const segments = path.split('/');
  expect(segments).toHaveLength(templateSegments.length);
  templateSegments.forEach((part, index) => {
    const group = /^\{(.+)\}$/.exec(part)?.[1];
    // A dot segment is never sent: an ID Synapse only looks up goes as one no room or event has (issue 10 #7).
    const value = group === undefined ? undefined : isDotSegment(values[group]!) ? UNKNOWN_ID_SEGMENT : values[group];
    if (group) expect(decodePathSegment(segments[index]!)).toBe(value);
    else expect(segments[index]).toBe(part);
  });
  // Synapse (Twisted) never normalises paths, and neither does undici; a WHATWG normaliser in between must not
  // be able to either: no segment decodes to a dot segment, so every segment survives normalisation.
  expect(segments.filter((segment) => isDotSegment(decodePathSegment(segment)))).toEqual([]);
  expect(new URL(path, 'http://upstream').pathname.split('/')).toHaveLength(templateSegments.length);
}

/** Values built to attack routing: slashes, dots, percent signs, query and fragment characters, unicode. */
const hostileValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  fc.constantFrom('..', '.', '%2e%2e', '%252e', '../../v1/users', '!a:hs/../../x', '?a=b', '#frag', '%', '%2F', ''),
  fc.array(fc.constantFrom('.', '/', '%', '2', 'F', 'e', '!', ':', '?', '#', ';', '&', ' ', 'é'), { maxLength: 12 }).map((parts) => parts.join('')),
);

describe('path IDs reach upstream as one segment each, decoded once and encoded once', () => {
  for (const route of ownedRoutes) {
    const template = templateOf(route.name);
    const groups = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
    it(`${route.name}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.tuple(...groups.map(() => hostileValue)), fc.boolean(), async (valueList, encodeTwice) => {
          const values = Object.fromEntries(groups.map((group, index) => [group, valueList[index]!]));
          const sent = (value: string) => (encodeTwice ? encodeURIComponent(encodeURIComponent(value)) : encodeURIComponent(value));
          const expected = (value: string) => (encodeTwice ? encodeURIComponent(value) : value);
          const path = template.replace(/\{([^}]+)\}/g, (_all, group: string) => sent(values[group]!));
          upstream().requests.length = 0;
          const body = route.body === 'object' ? '{}' : '';
          const answer = await rawHttp(facade().url, `${route.method} ${path} HTTP/1.1\r\nAuthorization: Bearer t`, body);
          // Read-only probes a route makes first (e.g. counting extremities) are GETs of the same route.
          const routed = upstream().requests.filter((seen) => seen.method === route.method);
          if (routed.length === 0) {
            // The facade answered the ID itself, never a proxy: not a legal room ID (400), or a dot segment
            // that names no destination or delete task (404).
            expect([400, 404]).toContain(answer.status);
            return;
          }
          expect(routed).toHaveLength(1);
          for (const seen of upstream().requests) expect(seen.url.split('?')[0]).toBe(routed[0]!.url.split('?')[0]);
          expectSameRoute(template, routed[0]!.url, Object.fromEntries(groups.map((group) => [group, expected(values[group]!)])));
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('named attacks', () => {
  it.each([
    ['/_synapse/admin/v1/rooms/../members', '/_synapse/admin/v1/rooms/dot-segment/members'],
    ['/_synapse/admin/v1/rooms/..%2F..%2Fv1%2Fusers/members', '/_synapse/admin/v1/rooms/..%2F..%2Fv1%2Fusers/members'],
    ['/_synapse/admin/v1/rooms/%252e%252e/state', '/_synapse/admin/v1/rooms/%252e%252e/state'],
    ['/_synapse/admin/v1/federation/destinations/%2e%2e', undefined],
    ['/_synapse/admin/v1/rooms/!a%3Ahs', '/_synapse/admin/v1/rooms/!a:hs'],
    ['/_synapse/admin/v1/rooms/!a:hs', '/_synapse/admin/v1/rooms/!a:hs'],
  ])('%s → %s', async (sent, expected) => {
    await rawHttp(facade().url, `GET ${sent} HTTP/1.1\r\nAuthorization: Bearer t`);
    expect(upstream().requests.map((request) => request.url)).toEqual(expected === undefined ? [] : [expected]);
  });

  it('a path that is not an owned route passes through byte for byte (Synapse answers it)', async () => {
    await rawHttp(facade().url, 'GET /_synapse/admin/v1/rooms/a/b/members HTTP/1.1\r\nAuthorization: Bearer t');
    expect(upstream().requests[0]!.url).toBe('/_synapse/admin/v1/rooms/a/b/members');
  });
});
