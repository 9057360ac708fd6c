// GET /_synapse/admin/v1/federation/destinations: string next_token and total, Synapse's validation, exact upstream query.
import { describe, expect, it } from 'vitest';
import { FAILING_DESTINATION, STALE_FAILURE_DESTINATION } from '../../../src/mock/fixtures.ts';
import { DESTINATIONS, enc, useFacadeOverMock } from '../support.ts';

const pair = useFacadeOverMock();
const DESTINATION_KEYS = ['destination', 'failure_ts', 'last_successful_stream_ordering', 'retry_interval', 'retry_last_ts'];

type Destination = Record<string, unknown>;
const destinationsOf = (body: Record<string, unknown>) => body.destinations as Destination[];

describe('GET /v1/federation/destinations — answers', () => {
  it('destinations with all five fields, integer total, string next_token', async () => {
    const { status, body } = await pair.get(`${DESTINATIONS}?from=0&limit=3`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: expect.any(Number), next_token: '3' });
    expect(destinationsOf(body)).toHaveLength(3);
    for (const destination of destinationsOf(body)) expect(Object.keys(destination).sort()).toEqual(DESTINATION_KEYS);
  });

  it('the last page has no next_token; a limit=0 page has none either (Synapse would loop on "from")', async () => {
    const total = (await pair.get(`${DESTINATIONS}?limit=0`)).body.total as number;
    const last = await pair.get(`${DESTINATIONS}?from=${total - 1}&limit=5`);
    expect(destinationsOf(last.body)).toHaveLength(1);
    expect(last.body).not.toHaveProperty('next_token');
    const empty = await pair.get(`${DESTINATIONS}?from=2&limit=0`);
    expect(empty.body).toEqual({ destinations: [], total });
  });

  it('the list keeps raw failure_ts/retry_interval (unlike details) for a stale failure row', async () => {
    const { body } = await pair.get(`${DESTINATIONS}?destination=${STALE_FAILURE_DESTINATION}`);
    expect(destinationsOf(body)).toHaveLength(1);
    expect(destinationsOf(body)[0]).toMatchObject({ destination: STALE_FAILURE_DESTINATION, retry_last_ts: 0, failure_ts: expect.any(Number) });
  });

  it('ASA and Ketesa key orders give the same answer and the same upstream request', async () => {
    const asa = await pair.get(`${DESTINATIONS}?destination=dead&dir=f&from=0&limit=10&order_by=destination`);
    const ketesa = await pair.get(`${DESTINATIONS}?from=0&limit=50&destination=dead&order_by=destination&dir=f`);
    expect(destinationsOf(asa.body).map((item) => item.destination)).toContain(FAILING_DESTINATION);
    expect(ketesa.body).toEqual(asa.body);
  });

  it('every order_by column is accepted, in both directions', async () => {
    for (const orderBy of ['destination', 'retry_last_ts', 'retry_interval', 'failure_ts', 'last_successful_stream_ordering']) {
      for (const dir of ['f', 'b']) expect((await pair.get(`${DESTINATIONS}?order_by=${orderBy}&dir=${dir}&limit=1000`)).status).toBe(200);
    }
  });
});

describe('GET /v1/federation/destinations — validation, never reaching Synapse', () => {
  it.each([
    ['from=-1&limit=x', 'M_INVALID_PARAM', 'Query parameter from must be a positive integer.'],
    ['limit=x&order_by=x', 'M_INVALID_PARAM', 'Query parameter limit must be an integer'],
    ['destination=%C3%A9&order_by=x', 'M_UNKNOWN', "Query parameter 'destination' must be ascii"],
    [
      'order_by=id&dir=x',
      'M_INVALID_PARAM',
      "Query parameter 'order_by' must be one of ['destination', 'retry_last_ts', 'retry_interval', 'failure_ts', 'last_successful_stream_ordering']",
    ],
    ['dir=B', 'M_INVALID_PARAM', "Query parameter 'dir' must be one of ['b', 'f']"],
  ])('%s → 400 %s', async (query, errcode, error) => {
    await pair.expectRefused(`${DESTINATIONS}?${query}`, 400, errcode, error);
  });

  it('no token → 401 and nothing reaches Synapse', async () => {
    await pair.expectMissingToken(`${DESTINATIONS}?dir=x`);
  });
});

describe('GET /v1/federation/destinations — the upstream request', () => {
  it('defaults explicit, an empty destination filter dropped', async () => {
    await pair.get(`${DESTINATIONS}?destination=`);
    expect(pair.upstreamUrls()).toEqual([`${DESTINATIONS}?from=0&limit=100&order_by=destination&dir=f`]);
  });

  it('values as validated: 1_0 → 10, ; separates, first value wins, the filter in its shortest form', async () => {
    await pair.get(`${DESTINATIONS}?limit=1_0;from=0_1&limit=3&destination=${enc('dead.example:8448')}&dir=b&dir=f&order_by=failure_ts`);
    expect(pair.upstreamUrls()).toEqual([
      `${DESTINATIONS}?from=1&limit=10&destination=dead.example:8448&order_by=failure_ts&dir=b`,
    ]);
  });
});
