// A connection Synapse closes without answering is reported as exactly that: its own 502 text and metric label.
import { describe, expect, it } from 'vitest';
import { replyJson } from '../support/fake-upstream.ts';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';
import { getAs, ROOMS } from '../routes/support.ts';

const { facade, upstream } = useFacadeOverFake({ upstreamBodyTimeoutMs: 300 });

/** The facade's upstream error counts by `kind` for one route. */
async function upstreamErrors(route: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { labels, value } of (await facade().context.metrics.upstreamErrors.get()).values) {
    if (labels.route === route) counts[String(labels.kind)] = value;
  }
  return counts;
}

describe('issue 10 #2: Misleading 502 — Synapse closing the connection is not "unreachable"', () => {
  it('no answer at all: 502 "closed the connection", counted as kind="closed"', async () => {
    upstream().handle((_request, response) => {
      response.socket?.destroy();
    });
    const answer = await getAs(facade().url, `${ROOMS}?limit=1`);
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 502,
      body: { errcode: 'M_UNKNOWN', error: 'Synapse closed the connection without answering the admin facade' },
    });
    expect(await upstreamErrors('GET /v1/rooms')).toEqual({ closed: 1 });
  });

  it('half an answer (headers, then the connection closes): the same 502', async () => {
    upstream().handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"rooms":[');
      setTimeout(() => response.socket?.destroy(), 10);
    });
    const answer = await getAs(facade().url, `${ROOMS}?limit=2`);
    expect(answer.status).toBe(502);
    expect(answer.body.error).toBe('Synapse closed the connection without answering the admin facade');
    // The log line still says that Synapse had begun a 200.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const line = facade().logLines.map((text) => JSON.parse(text) as Record<string, unknown>).findLast((entry) => entry.msg === 'request');
    expect(line).toMatchObject({ route: 'GET /v1/rooms', status: 502, upstream_status: 200 });
  });

  it('an answer whose body stalls after the headers: 504 "did not answer in time"', async () => {
    upstream().handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"rooms":[');
      // Never ends: the facade's body timeout decides.
    });
    const answer = await getAs(facade().url, `${ROOMS}?limit=4`);
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 504,
      body: { errcode: 'M_UNKNOWN', error: 'Synapse did not answer the admin facade in time' },
    });
  });

  it('an answer in many small chunks arrives whole: every room, in order', async () => {
    const rooms = Array.from({ length: 50 }, (_, index) => ({ room_id: `!r${index}:hs`, name: `room ${index}` }));
    const text = JSON.stringify({ rooms, offset: 0, total_rooms: 50 });
    upstream().handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      let at = 0;
      const next = () => {
        if (at >= text.length) return response.end();
        response.write(text.slice(at, at + 97));
        at += 97;
        setImmediate(next);
      };
      next();
    });
    const answer = await getAs(facade().url, `${ROOMS}?limit=5`);
    expect(answer.status).toBe(200);
    expect((answer.body.rooms as Array<{ room_id: string }>).map((room) => room.room_id)).toEqual(rooms.map((room) => room.room_id));
  });

  it('an answer still passes through', async () => {
    upstream().handle((_request, response) => replyJson(response, 200, { rooms: [], offset: 0, total_rooms: 0 }));
    expect((await getAs(facade().url, `${ROOMS}?limit=3`)).status).toBe(200);
  });
});
