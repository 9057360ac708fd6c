// GET /_synapse/admin/v1/rooms/{room_id}/context/{event_id}: limit → filter, the filter double-decoded, 404s unchanged.
import { describe, expect, it } from 'vitest';
import { DATA_EPOCH_MS } from '../../../src/mock/constants.ts';
import { BIG_ROOM_ID, EMPTY_ROOM_ID } from '../../../src/mock/fixtures.ts';
import { enc, expectMatrixError, queryOf, ROOMS, useFacadeOverMock } from '../support.ts';

const pair = useFacadeOverMock({ clock: () => DATA_EPOCH_MS });

/** An event in the middle of the big room's timeline. */
const middleEventId = () => pair.mock().state.rooms.get(BIG_ROOM_ID)!.timeline[100]!.eventId;
const contextOf = (roomId: string, eventId: string) => `${ROOMS}/${enc(roomId)}/context/${enc(eventId)}`;

describe('GET /v1/rooms/{room_id}/context/{event_id}', () => {
  it('answers all six keys; limit is split floor(limit/2) before, the rest after', async () => {
    const { status, body } = await pair.get(`${contextOf(BIG_ROOM_ID, middleEventId())}?limit=5`);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['end', 'event', 'events_after', 'events_before', 'start', 'state']);
    expect(body.event).toMatchObject({ event_id: middleEventId() });
    expect(body.events_before).toHaveLength(2);
    expect(body.events_after).toHaveLength(3);
  });

  it('raw and %-encoded IDs give the same answer and the same upstream path', async () => {
    const encoded = await pair.get(contextOf(BIG_ROOM_ID, middleEventId()));
    const raw = await pair.get(`${ROOMS}/${BIG_ROOM_ID}/context/${middleEventId()}`);
    expect(raw.body).toEqual(encoded.body);
    const [first, second] = pair.upstreamUrls();
    expect(first).toBe(second);
    expect(first).toBe(`${ROOMS}/!lobbyBigRoomAAAAAA:mock.example/context/${middleEventId()}?limit=10`);
  });

  it.each([
    ['limit=-2&filter=x', 'M_INVALID_PARAM', 'Query parameter limit must be a positive integer.'],
    ['limit=a', 'M_INVALID_PARAM', 'Query parameter limit must be an integer'],
    ['filter=x', 'M_NOT_JSON', 'Query parameter filter must be a valid JSON object'],
    ['filter=%257B', 'M_NOT_JSON', 'Query parameter filter must be a valid JSON object'],
    ['filter=%FF', 'M_UNKNOWN', "Query parameter 'filter' must be utf-8"],
  ])('%s → 400 %s, nothing reaches Synapse', async (query, errcode, error) => {
    await pair.expectRefused(`${contextOf(BIG_ROOM_ID, middleEventId())}?${query}`, 400, errcode, error);
  });

  it('limit is not capped (Synapse has no cap here) and normalised: 2_000 → 2000', async () => {
    await pair.get(`${contextOf(BIG_ROOM_ID, middleEventId())}?limit=2_000`);
    expect(queryOf(pair.upstreamUrls()[0]!)).toEqual([['limit', '2000']]);
  });

  it('a filter reaches Synapse so that decoding it twice gives what the facade validated', async () => {
    // %2522 is a literal %22 inside the JSON text, which Synapse's second unquote turns into a quote.
    const answer = await pair.get(`${contextOf(BIG_ROOM_ID, middleEventId())}?filter=%7B%22types%22%3A%5B%2522m.room.member%2522%5D%7D`);
    expect(answer.status).toBe(200);
    const filter = queryOf(pair.upstreamUrls()[0]!).find(([key]) => key === 'filter')![1];
    expect(decodeURIComponent(filter)).toBe('{"types":["m.room.member"]}');
    const types = [...(answer.body.events_before as Array<Record<string, unknown>>), ...(answer.body.events_after as Array<Record<string, unknown>>)];
    expect(types.every((event) => event.type === 'm.room.member')).toBe(true);
  });

  it("Synapse's 404s pass through unchanged (unknown event; event of another room)", async () => {
    expectMatrixError(await pair.get(contextOf(BIG_ROOM_ID, '$nope')), 404, 'M_NOT_FOUND', 'Event not found.');
    expectMatrixError(await pair.get(contextOf(EMPTY_ROOM_ID, middleEventId())), 404, 'M_UNKNOWN', 'No row found (events)');
  });

  it('no token → 401 and nothing reaches Synapse', async () => {
    await pair.expectMissingToken(contextOf(BIG_ROOM_ID, '$x'));
  });
});
