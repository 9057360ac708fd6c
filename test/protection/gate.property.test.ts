// Issue 9, as a property: whatever shape a non-admin's request takes (headers, size, method, owned path, query,
// token in header or query), alongside admin traffic on the same paths, no answer carries admin-only data.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN } from '../../src/mock/constants.ts';
import { BIG_ROOM_ID, FAILING_DESTINATION } from '../../src/mock/fixtures.ts';
import { startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { rawHttp } from '../support/raw-http.ts';
import { getAs } from '../routes/support.ts';

const room = encodeURIComponent(BIG_ROOM_ID);
/** Owned GETs whose 200 only an admin may read (the cacheable and coalescable ones, and the uncached). */
const OWNED_PATHS = [
  '/_synapse/admin/v1/rooms',
  `/_synapse/admin/v1/rooms/${room}`,
  `/_synapse/admin/v1/rooms/${room}/members`,
  `/_synapse/admin/v1/rooms/${room}/state`,
  `/_synapse/admin/v1/rooms/${room}/block`,
  `/_synapse/admin/v1/rooms/${room}/forward_extremities`,
  `/_synapse/admin/v1/rooms/${room}/messages`,
  '/_synapse/admin/v1/rooms/x',
  '/_synapse/admin/v1/federation/destinations',
  `/_synapse/admin/v1/federation/destinations/${FAILING_DESTINATION}`,
  `/_synapse/admin/v1/federation/destinations/${FAILING_DESTINATION}/rooms`,
];
/** Keys only admin answers of those routes have. */
const ADMIN_ONLY = /"(?:rooms|members|state|chunk|destinations|block|forward_extremities|retry_last_ts|total_rooms|joined_members)"/;

let mock: MockSynapse;
let facade: TestFacade;
beforeAll(async () => {
  mock = await startMockSynapse({ latencyMs: 5 });
  facade = await startTestFacade(mock.url, { adminVerdictTtlMs: 60_000 });
});
afterAll(async () => {
  await facade.close();
  await mock.close();
});

const requestShape = fc.record({
  token: fc.oneof(fc.constant(DEFAULT_USER_TOKEN), fc.stringMatching(/^[A-Za-z0-9_]{1,40}$/)),
  inQuery: fc.boolean(),
  method: fc.constantFrom('GET', 'HEAD'),
  path: fc.constantFrom(...OWNED_PATHS),
  query: fc.constantFrom('', 'limit=2', 'limit=abc', 'order_by=size&dir=b', 'from=0;limit=1_0'),
  headerCount: fc.integer({ min: 0, max: 600 }),
  padding: fc.constantFrom(0, 1_000, 9_000, 16_100),
});

describe('issue 9 property: non-admin tokens never read admin data', () => {
  it('any request shape, concurrent with admin reads of the same paths', async () => {
    await fc.assert(
      fc.asyncProperty(requestShape, async ({ token, inQuery, method, path, query, headerCount, padding }) => {
        const queryText = [query, inQuery ? `access_token=${token}` : ''].filter(Boolean).join('&');
        const target = queryText ? `${path}?${queryText}` : path;
        const headers = [
          ...(inQuery ? [] : [`Authorization: Bearer ${token}`]),
          ...Array.from({ length: headerCount }, (_, i) => `x-h${i}: 1`),
          ...(padding > 0 ? [`x-padding: ${'p'.repeat(padding)}`] : []),
        ];
        const admin = getAs(facade.url, query ? `${path}?${query}` : path, DEFAULT_ADMIN_TOKEN);
        const answer = await rawHttp(facade.url, [`${method} ${target} HTTP/1.1`, ...headers].join('\r\n'));
        await admin;
        expect(answer.status).not.toBe(200);
        expect(answer.text).not.toMatch(/x-facade-cache: hit/i);
        expect(answer.text).not.toMatch(ADMIN_ONLY);
      }),
      { numRuns: 60, seed: 20_261_202 },
    );
  });
});
