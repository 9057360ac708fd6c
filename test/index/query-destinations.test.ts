// GET /_facade/v1/federation/destinations: destinations from the index — a case-insensitive search, failing ones,
// any order (failure_ts and retry_interval cost Synapse nothing), keyset cursors and the total.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destinationIndexPage } from '../../schemas/index-query.ts';
import type { MockSynapse } from '../../src/mock/server.ts';
import type { TestFacade } from '../support/facade.ts';
import { destinationItem, fillIndex, get, keysOf, page, startQueryFacade } from './support/query-harness.ts';

const DESTINATIONS = '/_facade/v1/federation/destinations';
let mock: MockSynapse;
let facade: TestFacade;

const ITEMS = [
  destinationItem('alpha.example', { failure_ts: 3_000, retry_interval: 600_000, retry_last_ts: 2_000 }),
  destinationItem('Beta.EXAMPLE:8448', { last_successful_stream_ordering: 12 }),
  destinationItem('gamma.example', { failure_ts: 1_000, retry_interval: 60_000, retry_last_ts: 1_000 }),
  destinationItem('matrix.org', { last_successful_stream_ordering: 99 }),
];

beforeAll(async () => {
  ({ mock, facade } = await startQueryFacade());
  await fillIndex(facade, 'destinations', ITEMS);
});
afterAll(async () => {
  await facade?.close();
  await mock?.close();
});

const destinations = async (query: Record<string, string>) => keysOf(await page(facade, DESTINATIONS, query));

describe('GET /_facade/v1/federation/destinations', () => {
  it('orders by destination by default, and answers every field with first_seen and last_seen', async () => {
    const answer = await get(facade, DESTINATIONS);
    expect(answer.status).toBe(200);
    const body = destinationIndexPage.parse(answer.json);
    expect(body.destinations.map((item) => item.destination)).toEqual(['Beta.EXAMPLE:8448', 'alpha.example', 'gamma.example', 'matrix.org']);
    expect(body.total).toBe(4);
    expect(body.destinations[1]).toEqual({ ...ITEMS[0]!.item, first_seen: expect.any(Number), last_seen: expect.any(Number) });
    expect(answer.headers.get('x-facade-index-age')).toMatch(/^\d+$/);
  });

  it.each([
    [{ q: 'EXAMPLE' }, ['Beta.EXAMPLE:8448', 'alpha.example', 'gamma.example']],
    [{ q: 'beta.example:84' }, ['Beta.EXAMPLE:8448']],
    [{ failing: 'true' }, ['alpha.example', 'gamma.example']],
    [{ failing: 'false' }, ['Beta.EXAMPLE:8448', 'matrix.org']],
    [{ failing: 'true', q: 'gam' }, ['gamma.example']],
  ])('%j keeps %j', async (query, expected) => {
    const answer = await page(facade, DESTINATIONS, query);
    expect(keysOf(answer)).toEqual(expected);
    expect(answer.total).toBe(expected.length);
  });

  it.each([
    [{ order_by: 'failure_ts' }, ['gamma.example', 'alpha.example', 'Beta.EXAMPLE:8448', 'matrix.org']],
    [{ order_by: 'failure_ts', dir: 'b' }, ['alpha.example', 'gamma.example', 'matrix.org', 'Beta.EXAMPLE:8448']],
    [{ order_by: 'retry_interval', dir: 'b' }, ['alpha.example', 'gamma.example', 'matrix.org', 'Beta.EXAMPLE:8448']],
    [{ order_by: 'last_successful_stream_ordering' }, ['Beta.EXAMPLE:8448', 'matrix.org', 'alpha.example', 'gamma.example']],
  ])('%j answers %j (missing values last both ways, ties by destination)', async (query, expected) => {
    expect(await destinations(query)).toEqual(expected);
  });

  it('pages by cursor forwards and back, bound to its query', async () => {
    const query = { order_by: 'failure_ts', limit: '3' };
    const head = await page(facade, DESTINATIONS, query);
    expect(keysOf(head)).toEqual(['gamma.example', 'alpha.example', 'Beta.EXAMPLE:8448']);
    const tail = await page(facade, DESTINATIONS, { ...query, cursor: head.next_cursor! });
    expect(keysOf(tail)).toEqual(['matrix.org']);
    expect(tail.next_cursor).toBeUndefined();
    expect(keysOf(await page(facade, DESTINATIONS, { ...query, cursor: tail.prev_cursor! }))).toEqual(keysOf(head));
    const other = await get(facade, DESTINATIONS, { ...query, failing: 'false', cursor: head.next_cursor! });
    expect(other.status).toBe(400);
    expect(other.json.error).toMatch(/^Invalid query parameter 'cursor': it was issued for another query/);
  });

  it('refuses an order that is not a destination field (400)', async () => {
    const answer = await get(facade, DESTINATIONS, { order_by: 'name' });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toContain("'order_by'");
  });

  it("leaves Synapse's own GET /_synapse/admin/v1/federation/destinations to Synapse", async () => {
    const answer = await get(facade, '/_synapse/admin/v1/federation/destinations', { limit: '1' });
    expect(answer.status).toBe(200);
    expect(answer.json.total).toBe(mock.state.destinations.size);
  });
});
