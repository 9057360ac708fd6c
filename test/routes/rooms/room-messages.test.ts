// GET /_synapse/admin/v1/rooms/{room_id}/messages: PaginationConfig's order, tokens, limit cap, filter double-decoding.
import { describe, expect, it } from 'vitest';
import { DATA_EPOCH_MS } from '../../../src/mock/constants.ts';
import { decodePathSegment } from '../../../src/internal/path.ts';
import { BIG_ROOM_ID } from '../../../src/mock/fixtures.ts';
import { enc, queryOf, ROOMS, useFacadeOverMock } from '../support.ts';

const pair = useFacadeOverMock({ clock: () => DATA_EPOCH_MS });
const MESSAGES = `${ROOMS}/${enc(BIG_ROOM_ID)}/messages`;
const UPSTREAM = `${ROOMS}/!lobbyBigRoomAAAAAA:mock.example/messages`;

type Event = Record<string, unknown>;

describe('GET /v1/rooms/{room_id}/messages — answers', () => {
  it('chunk, start and end as Synapse sent them; paging with end as from continues the timeline', async () => {
    const first = await pair.get(`${MESSAGES}?limit=3`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ chunk: expect.any(Array), start: expect.any(String), end: expect.any(String) });
    expect(first.body.chunk).toHaveLength(3);
    const next = await pair.get(`${MESSAGES}?limit=3&from=${enc(first.body.end as string)}`);
    const ids = (body: Record<string, unknown>) => (body.chunk as Event[]).map((event) => event.event_id);
    expect(ids(next.body)).toHaveLength(3);
    expect(ids(next.body)).not.toContain(ids(first.body)[2]);
  });

  it('raw and %-encoded room IDs give the same answer', async () => {
    const raw = await pair.get(`${ROOMS}/${BIG_ROOM_ID}/messages?limit=2`);
    expect(raw.body).toEqual((await pair.get(`${MESSAGES}?limit=2`)).body);
  });

  it('an unknown room is not checked by Synapse: an empty chunk without end', async () => {
    const { status, body } = await pair.get(`${ROOMS}/!nope:mock.example/messages`);
    expect(status).toBe(200);
    expect(body.chunk).toEqual([]);
    expect(body).not.toHaveProperty('end');
  });
});

describe('GET /v1/rooms/{room_id}/messages — validation in PaginationConfig.from_request order', () => {
  it.each([
    ['dir=x&from=bad', 'M_INVALID_PARAM', "Query parameter 'dir' must be one of ['b', 'f']"],
    ['from=%C3%A9', 'M_UNKNOWN', "Query parameter 'from' must be ascii"],
    ['from=bad&to=%C3%A9', 'M_UNKNOWN', "Query parameter 'to' must be ascii"],
    ['from=bad', 'M_UNKNOWN', "'from' parameter is invalid"],
    // Synapse parses from/to tokens before it reads limit and filter.
    ['from=bad&limit=abc', 'M_UNKNOWN', "'from' parameter is invalid"],
    ['to=s1_x&filter=nope', 'M_UNKNOWN', "'to' parameter is invalid"],
    ['limit=-1&filter=nope', 'M_INVALID_PARAM', 'Query parameter limit must be a positive integer.'],
    ['limit=ten', 'M_INVALID_PARAM', 'Query parameter limit must be an integer'],
    ['filter=nope', 'M_NOT_JSON', 'Query parameter filter must be a valid JSON object'],
    ['filter=%7B', 'M_NOT_JSON', 'Query parameter filter must be a valid JSON object'],
    ['filter=%FF', 'M_UNKNOWN', "Query parameter 'filter' must be utf-8"],
  ])('%s → 400 %s', async (query, errcode, error) => {
    await pair.expectRefused(`${MESSAGES}?${query}`, 400, errcode, error);
  });

  it('no token → 401 and nothing reaches Synapse', async () => {
    await pair.expectMissingToken(`${MESSAGES}?from=bad`);
  });
});

describe('GET /v1/rooms/{room_id}/messages — the upstream request', () => {
  it('defaults explicit; from=END, empty from/to are absent', async () => {
    await pair.get(`${MESSAGES}?from=END&to=`);
    expect(pair.upstreamUrls()).toEqual([`${UPSTREAM}?dir=f&limit=10`]);
  });

  it('tokens forwarded, limit normalised and capped at 1000, first value wins, ; separates', async () => {
    const answer = await pair.get(`${MESSAGES}?dir=b;limit=1_0000&from=s5_0&from=bad&to=s1`);
    expect(answer.status).toBe(200);
    expect(pair.upstreamUrls()).toEqual([`${UPSTREAM}?dir=b&from=s5_0&to=s1&limit=1000`]);
  });

  it('raw= is forwarded (federation format), a bare raw is dropped as Twisted drops it', async () => {
    await pair.get(`${MESSAGES}?raw=1`);
    await pair.get(`${MESSAGES}?raw`);
    expect(pair.upstreamUrls()).toEqual([`${UPSTREAM}?dir=f&limit=10&raw=`, `${UPSTREAM}?dir=f&limit=10`]);
  });

  it.each([
    ['a filter sent once-encoded', enc('{"types":["m.room.message"]}'), '{"types":["m.room.message"]}'],
    ['a filter with a literal %25 (Synapse decodes it again)', enc('{"types":["a%25b"]}'), '{"types":["a%b"]}'],
    ['a raw filter with + (a space to Twisted)', '{"not_types":["a+b"]}', '{"not_types":["a b"]}'],
  ])('%s reaches Synapse so that two decodings give what the facade validated', async (_name, sent, validated) => {
    const answer = await pair.get(`${MESSAGES}?filter=${sent}`);
    expect(answer.status).toBe(200);
    const [target] = pair.upstreamUrls();
    const filter = queryOf(target!).find(([key]) => key === 'filter')![1];
    // Synapse's second decoding is Python's unquote, which keeps a `%` that starts no escape.
    expect(decodePathSegment(filter)).toBe(validated);
  });

  it('a filter is applied by Synapse to the events it returns', async () => {
    const { body } = await pair.get(`${MESSAGES}?limit=20&filter=${enc('{"types":["m.room.member"]}')}`);
    const types = new Set((body.chunk as Event[]).map((event) => event.type));
    expect([...types]).toEqual(['m.room.member']);
  });
});
