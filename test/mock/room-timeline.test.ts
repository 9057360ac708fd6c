// /messages, /timestamp_to_event and /context: tokens, limits, filter parsing and Synapse's error texts.
import { describe, it, expect } from 'vitest';
import { call, enc, useMockSynapse } from './support.ts';
import { BIG_ROOM_ID, EMPTY_ROOM_ID } from '../../src/mock/fixtures.ts';

const mock = useMockSynapse();
const ROOM = `/_synapse/admin/v1/rooms/${enc(BIG_ROOM_ID)}`;
type Event = { event_id: string; origin_server_ts: number; type: string };

describe('messages', () => {
  it('pages backwards from the end and continues with the end token without overlap', async () => {
    const first = await call(mock(), 'GET', `${ROOM}/messages?dir=b&limit=5`);
    const chunk = first.body.chunk as Event[];
    expect(chunk).toHaveLength(5);
    expect(chunk[0]!.origin_server_ts).toBeGreaterThanOrEqual(chunk[4]!.origin_server_ts);
    const second = await call(mock(), 'GET', `${ROOM}/messages?dir=b&limit=5&from=${first.body.end as string}`);
    const ids = new Set(chunk.map((event) => event.event_id));
    expect((second.body.chunk as Event[]).some((event) => ids.has(event.event_id))).toBe(false);
  });

  it('rejects invalid tokens with Synapse texts', async () => {
    expect((await call(mock(), 'GET', `${ROOM}/messages?from=garbage`)).body).toEqual({ errcode: 'M_UNKNOWN', error: "'from' parameter is invalid" });
    expect((await call(mock(), 'GET', `${ROOM}/messages?to=x`)).body.error).toBe("'to' parameter is invalid");
    expect((await call(mock(), 'GET', `${ROOM}/messages?from=END&limit=1`)).status).toBe(200);
  });

  it('reads both token strings (ascii) before parsing either token', async () => {
    const res = await call(mock(), 'GET', `${ROOM}/messages?from=bad&to=%C3%A9`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errcode: 'M_UNKNOWN', error: "Query parameter 'to' must be ascii" });
  });

  it('treats empty from and to as absent', async () => {
    const res = await call(mock(), 'GET', `${ROOM}/messages?from=&to=&limit=1`);
    expect(res.status).toBe(200);
    expect(res.body.chunk).toHaveLength(1);
  });

  it('caps limit at 1000', async () => {
    const res = await call(mock(), 'GET', `${ROOM}/messages?limit=5000`);
    expect((res.body.chunk as unknown[]).length).toBeLessThanOrEqual(1000);
    expect((res.body.chunk as unknown[]).length).toBeGreaterThan(500);
  });

  it('parses filter twice-unquoted, 400 on bad JSON and 500 on a non-object', async () => {
    const filter = enc(enc(JSON.stringify({ types: ['m.room.name'] })));
    const named = await call(mock(), 'GET', `${ROOM}/messages?filter=${filter}`);
    expect((named.body.chunk as Event[]).map((event) => event.type)).toEqual(['m.room.name']);
    expect((await call(mock(), 'GET', `${ROOM}/messages?filter={`)).body).toEqual({ errcode: 'M_NOT_JSON', error: 'Query parameter filter must be a valid JSON object' });
    expect(await call(mock(), 'GET', `${ROOM}/messages?filter=1`)).toMatchObject({ status: 500, body: { errcode: 'M_UNKNOWN', error: 'Internal server error' } });
  });

  it('answers an unknown room with an empty chunk and no end', async () => {
    const res = await call(mock(), 'GET', '/_synapse/admin/v1/rooms/nothing/messages');
    expect(res.body.chunk).toEqual([]);
    expect(res.body).not.toHaveProperty('end');
  });
});

describe('timestamp_to_event', () => {
  it('requires ts and finds the closest event in the direction', async () => {
    expect((await call(mock(), 'GET', `${ROOM}/timestamp_to_event`)).body).toEqual({ errcode: 'M_MISSING_PARAM', error: 'Missing required integer query parameter ts' });
    const res = await call(mock(), 'GET', `${ROOM}/timestamp_to_event?ts=0`);
    expect(res.body).toMatchObject({ event_id: expect.stringMatching(/^\$/), origin_server_ts: expect.any(Number) });
  });

  it('answers 404 with the Python enum name', async () => {
    const res = await call(mock(), 'GET', `${ROOM}/timestamp_to_event?ts=99999999999999`);
    expect(res.body).toEqual({ errcode: 'M_NOT_FOUND', error: 'Unable to find event from 99999999999999 in direction Direction.FORWARDS' });
    const back = await call(mock(), 'GET', `${ROOM}/timestamp_to_event?ts=1&dir=b`);
    expect(back.body.error).toBe('Unable to find event from 1 in direction Direction.BACKWARDS');
  });
});

describe('context', () => {
  it('splits the limit before/after and checks the room of the event', async () => {
    const chunk = (await call(mock(), 'GET', `${ROOM}/messages?dir=b&limit=20`)).body.chunk as Event[];
    const eventId = chunk[10]!.event_id;
    const res = await call(mock(), 'GET', `${ROOM}/context/${enc(eventId)}?limit=5`);
    expect((res.body.events_before as unknown[]).length).toBe(2);
    expect((res.body.events_after as unknown[]).length).toBe(3);
    expect(res.body.event).toMatchObject({ event_id: eventId });
    const other = await call(mock(), 'GET', `/_synapse/admin/v1/rooms/${enc(EMPTY_ROOM_ID)}/context/${enc(eventId)}`);
    expect(other).toMatchObject({ status: 404, body: { errcode: 'M_UNKNOWN', error: 'No row found (events)' } });
    expect((await call(mock(), 'GET', `${ROOM}/context/%24nope`)).body).toEqual({ errcode: 'M_NOT_FOUND', error: 'Event not found.' });
  });
});
