// GET /_synapse/admin/v1/federation/destinations/{destination}: all five fields, any string looked up verbatim.
import { describe, expect, it } from 'vitest';
import { FAILING_DESTINATION, HEALTHY_DESTINATION, STALE_FAILURE_DESTINATION } from '../../../src/mock/fixtures.ts';
import { DESTINATIONS, enc, expectMatrixError, useFacadeOverMock } from '../support.ts';

const pair = useFacadeOverMock();
const detailsOf = (destination: string) => `${DESTINATIONS}/${enc(destination)}`;

describe('GET /v1/federation/destinations/{destination}', () => {
  it('a failing destination: all five fields with its retry timings', async () => {
    const { status, body } = await pair.get(detailsOf(FAILING_DESTINATION));
    expect(status).toBe(200);
    expect(body).toEqual({
      destination: FAILING_DESTINATION,
      retry_last_ts: expect.any(Number),
      retry_interval: expect.any(Number),
      failure_ts: expect.any(Number),
      last_successful_stream_ordering: expect.anything(),
    });
    expect(body.retry_last_ts).toBeGreaterThan(0);
  });

  it('healthy and stale-failure destinations: zeros and null failure_ts, as Synapse details report them', async () => {
    expect((await pair.get(detailsOf(HEALTHY_DESTINATION))).body).toMatchObject({ retry_last_ts: 0, retry_interval: 0, failure_ts: null });
    expect((await pair.get(detailsOf(STALE_FAILURE_DESTINATION))).body).toMatchObject({ retry_last_ts: 0, retry_interval: 0, failure_ts: null });
  });

  it('raw and %-encoded destinations give the same answer and the same upstream request', async () => {
    const raw = await pair.get(`${DESTINATIONS}/${FAILING_DESTINATION}`);
    expect(raw.body).toEqual((await pair.get(detailsOf(FAILING_DESTINATION))).body);
    expect(pair.upstreamUrls()).toEqual([`${DESTINATIONS}/dead.example:8448`, `${DESTINATIONS}/dead.example:8448`]);
  });

  it("unknown, odd and empty destinations are not validated: Synapse's 404 passes through", async () => {
    for (const destination of ['nope.example', 'not a host!', '']) {
      expectMatrixError(await pair.get(detailsOf(destination)), 404, 'M_NOT_FOUND', 'Unknown destination');
    }
    expect(pair.upstreamUrls()).toEqual([`${DESTINATIONS}/nope.example`, `${DESTINATIONS}/not%20a%20host!`, `${DESTINATIONS}/`]);
  });

  it('no token → 401 and nothing reaches Synapse', async () => {
    await pair.expectMissingToken(detailsOf(FAILING_DESTINATION));
  });
});
