// A connection Synapse closes without answering is reported as exactly that: its own 502 text and metric label.
import { describe, expect, it } from 'vitest';
import { replyJson } from '../support/fake-upstream.ts';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';
import { getAs, ROOMS } from '../routes/support.ts';

const { facade, upstream } = useFacadeOverFake();

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
  });

  it('an answer still passes through', async () => {
    upstream().handle((_request, response) => replyJson(response, 200, { rooms: [], offset: 0, total_rooms: 0 }));
    expect((await getAs(facade().url, `${ROOMS}?limit=3`)).status).toBe(200);
  });
});
