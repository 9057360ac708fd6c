// GET /_synapse/admin/v1/federation/destinations/{destination}/rooms: 404 before parameters, order_by=id tolerated.
import { describe, expect, it } from 'vitest';
import { FAILING_DESTINATION } from '../../../src/mock/fixtures.ts';
import { DESTINATIONS, enc, expectMatrixError, useFacadeOverMock } from '../support.ts';

const pair = useFacadeOverMock();
const roomsOf = (destination: string) => `${DESTINATIONS}/${enc(destination)}/rooms`;
const UPSTREAM = `${DESTINATIONS}/dead.example:8448/rooms`;

type Room = Record<string, unknown>;

describe('GET /v1/federation/destinations/{destination}/rooms — answers', () => {
  it('rooms of room_id and stream_ordering, integer total, string next_token', async () => {
    const { status, body } = await pair.get(`${roomsOf(FAILING_DESTINATION)}?limit=2`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ total: expect.any(Number), next_token: '2' });
    for (const room of body.rooms as Room[]) expect(room).toEqual({ room_id: expect.any(String), stream_ordering: expect.any(Number) });
  });

  it('limit=0 and the last page carry no next_token', async () => {
    const empty = await pair.get(`${roomsOf(FAILING_DESTINATION)}?limit=0`);
    expect(empty.body).toEqual({ rooms: [], total: expect.any(Number) });
    const total = empty.body.total as number;
    const last = await pair.get(`${roomsOf(FAILING_DESTINATION)}?from=${total - 1}`);
    expect(last.body.rooms).toHaveLength(1);
    expect(last.body).not.toHaveProperty('next_token');
  });

  it('ASA/Ketesa queries (raw destination, order_by=id, dir=b) are accepted; order_by is not forwarded', async () => {
    const asa = await pair.get(`${DESTINATIONS}/${FAILING_DESTINATION}/rooms?dir=b&from=0&limit=50&order_by=id`);
    const ketesa = await pair.get(`${roomsOf(FAILING_DESTINATION)}?from=0&limit=50&order_by=id&dir=b`);
    expect(asa.status).toBe(200);
    expect(ketesa.body).toEqual(asa.body);
    expect(pair.upstreamUrls()).toEqual([`${UPSTREAM}?from=0&limit=50&dir=b`, `${UPSTREAM}?from=0&limit=50&dir=b`]);
  });

  it('values as validated: 1_0 → 10, ; separates, first value wins', async () => {
    await pair.get(`${roomsOf(FAILING_DESTINATION)}?limit=1_0;from=1&from=x&dir=b`);
    expect(pair.upstreamUrls()).toEqual([`${UPSTREAM}?from=1&limit=10&dir=b`]);
  });
});

describe('GET /v1/federation/destinations/{destination}/rooms — errors', () => {
  it.each([
    ['from=-1', 'M_INVALID_PARAM', 'Query parameter from must be a positive integer.'],
    ['limit=x&dir=x', 'M_INVALID_PARAM', 'Query parameter limit must be an integer'],
    ['dir=x', 'M_INVALID_PARAM', "Query parameter 'dir' must be one of ['b', 'f']"],
  ])('known destination, %s → 400 %s; only the existence check reached Synapse', async (query, errcode, error) => {
    expectMatrixError(await pair.get(`${roomsOf(FAILING_DESTINATION)}?${query}`), 400, errcode, error);
    expect(pair.upstreamUrls()).toEqual([`${DESTINATIONS}/dead.example:8448`]);
  });

  it('unknown destination with bad parameters → 404 Unknown destination (Synapse checks it first)', async () => {
    expectMatrixError(await pair.get(`${roomsOf('nope.example')}?from=-1`), 404, 'M_NOT_FOUND', 'Unknown destination');
    expect(pair.upstreamUrls().every((url) => !url.endsWith('/rooms') && !url.includes('/rooms?'))).toBe(true);
  });

  it("unknown destination with good parameters: Synapse's 404 passes through", async () => {
    expectMatrixError(await pair.get(roomsOf('nope.example')), 404, 'M_NOT_FOUND', 'Unknown destination');
  });

  it('no token → 401 and nothing reaches Synapse', async () => {
    await pair.expectMissingToken(`${roomsOf('nope.example')}?from=-1`);
  });
});
