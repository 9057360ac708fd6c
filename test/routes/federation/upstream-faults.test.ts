// Federation routes when Synapse is down, slow, or sends what the schema does not expect.
import { describe, expect, it } from 'vitest';
import { FAILING_DESTINATION } from '../../../src/mock/fixtures.ts';
import { replyJson } from '../../support/fake-upstream.ts';
import { useFacadeOverFake } from '../../support/facade-over-fake.ts';
import { DESTINATIONS, enc, expectMatrixError, getAs, useFacadesOverFaults } from '../support.ts';

describe('Synapse unreachable or too slow', () => {
  const { orphan, slowFacade } = useFacadesOverFaults();

  it.each([DESTINATIONS, `${DESTINATIONS}/${enc(FAILING_DESTINATION)}`, `${DESTINATIONS}/${enc(FAILING_DESTINATION)}/rooms`])(
    '%s: closed port → 502, slow Synapse → 504, both Matrix errors with CORS',
    async (path) => {
      expectMatrixError(await getAs(orphan().url, path), 502, 'M_UNKNOWN', 'Synapse is unreachable from the admin facade');
      expectMatrixError(await getAs(slowFacade().url, path), 504, 'M_UNKNOWN', 'Synapse did not answer the admin facade in time');
    },
  );

  it('destination rooms with bad parameters: a slow existence check is a 504, not the 400', async () => {
    expectMatrixError(
      await getAs(slowFacade().url, `${DESTINATIONS}/${enc(FAILING_DESTINATION)}/rooms?from=-1`),
      504,
      'M_UNKNOWN',
      'Synapse did not answer the admin facade in time',
    );
  });
});

describe('Synapse answers outside the schema, or with fields the facade does not know', () => {
  const { facade, upstream } = useFacadeOverFake();

  const mismatchLines = () => facade().logLines.filter((line) => line.includes('did not fit its schema'));

  it('a next_token that is a number (not what Synapse sends) is passed through as sent and logged each time', async () => {
    const odd = '{"destinations":[],"total":3,"next_token":2}';
    upstream().handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(odd);
    });
    expect((await getAs(facade().url, DESTINATIONS)).text).toBe(odd);
    expect((await getAs(facade().url, `${DESTINATIONS}?limit=3`)).text).toBe(odd);
    const roomsOdd = '{"rooms":[{"room_id":"!a:hs"}],"total":1}';
    upstream().handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(roomsOdd);
    });
    expect((await getAs(facade().url, `${DESTINATIONS}/x/rooms`)).text).toBe(roomsOdd);
    expect(mismatchLines().map((line) => (JSON.parse(line) as { route: string }).route)).toEqual([
      'GET /v1/federation/destinations',
      'GET /v1/federation/destinations',
      'GET /v1/federation/destinations/{destination}/rooms',
    ]);
    expect(facade().context.schemaMismatches.get('GET /v1/federation/destinations')).toBe(2);
  });

  it('missing destination fields are filled (0 for retry columns, null otherwise); unknown fields kept', async () => {
    upstream().handle((_request, response) => replyJson(response, 200, { destination: 'a.example', retry_last_ts: null, future: true }));
    expect((await getAs(facade().url, `${DESTINATIONS}/a.example`)).body).toEqual({
      destination: 'a.example',
      retry_last_ts: 0,
      retry_interval: 0,
      failure_ts: null,
      last_successful_stream_ordering: null,
      future: true,
    });
  });

  it('the string next_token and total of a list are kept as Synapse sent them', async () => {
    upstream().handle((_request, response) =>
      replyJson(response, 200, { destinations: [{ destination: 'a.example' }], total: 9, next_token: '1', extra: 'kept' }),
    );
    const { body } = await getAs(facade().url, DESTINATIONS);
    expect(body).toMatchObject({ total: 9, next_token: '1', extra: 'kept' });
    expect((body.destinations as unknown[])[0]).toMatchObject({ retry_last_ts: 0, failure_ts: null });
  });
});
