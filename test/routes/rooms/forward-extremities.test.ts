// GET /_synapse/admin/v1/rooms/{room_id_or_alias}/forward_extremities: IDs or aliases, nullable columns present.
import { describe, expect, it } from 'vitest';
import { BIG_ROOM_ALIAS, BIG_ROOM_ID } from '../../../src/mock/fixtures.ts';
import { enc, expectMatrixError, ROOMS, useFacadeOverMock } from '../support.ts';

const pair = useFacadeOverMock();
const extremitiesOf = (room: string) => `${ROOMS}/${enc(room)}/forward_extremities`;

describe('GET /v1/rooms/{room_identifier}/forward_extremities', () => {
  it('count and results with event_id, state_group, depth and received_ts (null kept)', async () => {
    const { status, body } = await pair.get(extremitiesOf(BIG_ROOM_ID));
    expect(status).toBe(200);
    expect(body.count).toBe(3);
    const results = body.results as Array<Record<string, unknown>>;
    for (const row of results) expect(Object.keys(row).sort()).toEqual(['depth', 'event_id', 'received_ts', 'state_group']);
    expect(results.some((row) => row.received_ts === null)).toBe(true);
  });

  it('an alias, the raw ID and the %-encoded ID give the same answer', async () => {
    const byId = await pair.get(extremitiesOf(BIG_ROOM_ID));
    expect((await pair.get(`${ROOMS}/${BIG_ROOM_ID}/forward_extremities`)).body).toEqual(byId.body);
    expect((await pair.get(extremitiesOf(BIG_ROOM_ALIAS))).body).toEqual(byId.body);
  });

  it('an unknown room ID: count 0', async () => {
    expect((await pair.get(extremitiesOf('!nope:mock.example'))).body).toEqual({ count: 0, results: [] });
  });

  it("an unknown local alias: Synapse's 404 passes through", async () => {
    expectMatrixError(await pair.get(extremitiesOf('#nope:mock.example')), 404, 'M_NOT_FOUND', 'Room alias #nope:mock.example not found');
  });

  it.each(['lobby', '@user:mock.example', '#noserver', '!a:bad_host'])(
    '%j → 400 M_UNKNOWN "was not legal room ID or room alias", nothing reaches Synapse',
    async (room) => {
      await pair.expectRefused(extremitiesOf(room), 400, 'M_UNKNOWN', `${room} was not legal room ID or room alias`);
    },
  );

  it('query parameters are not forwarded', async () => {
    await pair.get(`${extremitiesOf(BIG_ROOM_ALIAS)}?from=0&limit=10`);
    expect(pair.upstreamUrls()).toEqual([`${ROOMS}/%23lobby:mock.example/forward_extremities`]);
  });

  it('no token → 401 and nothing reaches Synapse', async () => {
    await pair.expectMissingToken(extremitiesOf('lobby'));
  });
});
