// Rooms routes when Synapse is down, slow, or sends what the schema does not expect.
import { describe, expect, it } from 'vitest';
import { BIG_ROOM_ID } from '../../../src/mock/fixtures.ts';
import { replyJson } from '../../support/fake-upstream.ts';
import { useFacadeOverFake } from '../../support/facade-over-fake.ts';
import { enc, expectMatrixError, getAs, ROOMS, useFacadesOverFaults } from '../support.ts';

describe('Synapse unreachable or too slow', () => {
  const { orphan, slowFacade, slowMock } = useFacadesOverFaults();

  it.each([ROOMS, `${ROOMS}/${enc(BIG_ROOM_ID)}/members`, '/_synapse/admin/v2/rooms/delete_status/x'])(
    '%s: closed port → 502 Matrix error with CORS',
    async (path) => {
      expectMatrixError(await getAs(orphan().url, path), 502, 'M_UNKNOWN', 'Synapse is unreachable from the admin facade');
    },
  );

  it.each([ROOMS, `${ROOMS}/${enc(BIG_ROOM_ID)}/block`])('%s: no headers in time → 504 Matrix error with CORS', async (path) => {
    expectMatrixError(await getAs(slowFacade().url, path), 504, 'M_UNKNOWN', 'Synapse did not answer the admin facade in time');
  });

  it('the 504 is the facade\'s own answer: the request did reach Synapse once', async () => {
    slowMock().reset();
    await getAs(slowFacade().url, `${ROOMS}/${enc(BIG_ROOM_ID)}`);
    expect(slowMock().requests).toHaveLength(1);
  });
});

describe('Synapse answers outside the schema, or with fields the facade does not know', () => {
  const { facade, upstream } = useFacadeOverFake();

  const mismatchLines = (route: string) =>
    facade().logLines.filter((line) => line.includes('did not fit its schema') && line.includes(`"route":"${route}"`));

  it('a body that does not fit is returned byte for byte, logged and counted each time', async () => {
    const odd = '{"rooms":"not a list","offset":0,"total_rooms":1}';
    upstream().handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(odd);
    });
    const first = await getAs(facade().url, ROOMS);
    const second = await getAs(facade().url, `${ROOMS}?limit=5`);
    expect([first.status, first.text, second.text]).toEqual([200, odd, odd]);
    expect(mismatchLines('GET /v1/rooms')).toHaveLength(2);
    expect(facade().context.schemaMismatches.get('GET /v1/rooms')).toBe(2);
  });

  it('a body that is not JSON is passed through and logged for its own route', async () => {
    upstream().handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('oops');
    });
    const answer = await getAs(facade().url, `${ROOMS}/!a:hs/block`);
    expect([answer.status, answer.text]).toEqual([200, 'oops']);
    expect(mismatchLines('GET /v1/rooms/{room_id}/block')).toHaveLength(1);
  });

  it('unknown fields from a newer Synapse pass through normalisation, at every level', async () => {
    upstream().handle((_request, response) =>
      replyJson(response, 200, {
        rooms: [{ room_id: '!a:hs', federatable: 1, public: 0, future_field: { x: 1 } }],
        offset: 0,
        total_rooms: 1,
        future_top: 'kept',
      }),
    );
    const { body } = await getAs(facade().url, ROOMS);
    expect(body.future_top).toBe('kept');
    expect((body.rooms as Array<Record<string, unknown>>)[0]).toMatchObject({ future_field: { x: 1 }, federatable: true, public: false, name: null });
  });

  it('old delete tasks: legacy status names become active, a missing delete_id/room_id comes from the path', async () => {
    upstream().handle((_request, response) => replyJson(response, 200, { status: 'shutting_down', error: 'kept' }));
    expect((await getAs(facade().url, '/_synapse/admin/v2/rooms/delete_status/abcDEF')).body).toEqual({
      delete_id: 'abcDEF',
      room_id: null,
      status: 'active',
      shutdown_room: null,
      error: 'kept',
    });
    upstream().handle((_request, response) => replyJson(response, 200, { results: [{ delete_id: 'x', status: 'purging' }] }));
    expect((await getAs(facade().url, '/_synapse/admin/v2/rooms/%21a%3Ahs/delete_status')).body).toEqual({
      results: [{ delete_id: 'x', room_id: '!a:hs', status: 'active', shutdown_room: null }],
    });
  });

  it('event context without start/end gets them as null; forward extremities get null columns', async () => {
    const event = { type: 'm.room.message', event_id: '$e' };
    upstream().handle((_request, response) => replyJson(response, 200, { events_before: [], event, events_after: [], state: [] }));
    expect((await getAs(facade().url, `${ROOMS}/!a:hs/context/$e`)).body).toMatchObject({ start: null, end: null, event });
    upstream().handle((_request, response) => replyJson(response, 200, { count: 1, results: [{ event_id: '$e' }] }));
    expect((await getAs(facade().url, `${ROOMS}/!a:hs/forward_extremities`)).body).toEqual({
      count: 1,
      results: [{ event_id: '$e', state_group: null, depth: null, received_ts: null }],
    });
  });

  it("Synapse's non-200 answers are never normalised: status, body and Server header unchanged", async () => {
    upstream().handle((_request, response) =>
      replyJson(response, 500, { errcode: 'M_UNKNOWN', error: 'Internal server error' }, { server: 'Synapse/1.163.2' }),
    );
    const answer = await getAs(facade().url, `${ROOMS}/!a:hs/forward_extremities`);
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ errcode: 'M_UNKNOWN', error: 'Internal server error' });
    expect(answer.headers.get('server')).toBe('Synapse/1.163.2');
  });
});
