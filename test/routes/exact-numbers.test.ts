// Regression tests for issue 10 #4 through real sockets: every number of a normalised answer is written as Synapse
// wrote it, in event content and unknown fields alike, while the normalisers still do their work.
import { describe, expect, it } from 'vitest';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';
import { DESTINATIONS, getAs, ROOMS } from './support.ts';

const { facade, upstream } = useFacadeOverFake();

/** Makes the fake Synapse answer every request with `text` as a 200 JSON body, byte for byte. */
function answerWith(text: string): void {
  upstream().handle((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  });
}

/** The numbers room versions 1–5 allow in event content, and that Python writes in unknown fields. */
const ODD_NUMBERS = '{"big":12345678901234567890123,"unsafe":9007199254740993,"float":1.0,"fraction":2.50,"minus_zero":-0,"exp":1e2,"exp_upper":1E+2,"tiny":1e-7,"huge":2E400}';
const EVENT = `{"type":"m.room.message","event_id":"$e","origin_server_ts":1700000000000,"content":${ODD_NUMBERS}}`;

describe('issue 10 #4: numbers change', () => {
  it.each([
    ['messages', `${ROOMS}/!a:hs/messages`, `{"chunk":[${EVENT},${EVENT}],"start":"t1-2_3","end":"t4-5_6","state":[${EVENT}]}`],
    ['context', `${ROOMS}/!a:hs/context/$e`, `{"events_before":[${EVENT}],"event":${EVENT},"events_after":[],"state":[${EVENT}],"start":"s1","end":"s2"}`],
    ['state', `${ROOMS}/!a:hs/state`, `{"state":[${EVENT}]}`],
    ['members', `${ROOMS}/!a:hs/members`, `{"members":["@a:hs"],"total":12345678901234567890,"extra":${ODD_NUMBERS}}`],
    ['timestamp_to_event', `${ROOMS}/!a:hs/timestamp_to_event?ts=0`, '{"event_id":"$e","origin_server_ts":90071992547409930}'],
  ])('%s: event content and unknown fields come back byte for byte', async (_name, path, text) => {
    answerWith(text);
    const answer = await getAs(facade().url, path);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(text);
  });

  it('rooms list: exact numbers in rooms and unknown fields, and normalised all the same', async () => {
    answerWith(
      `{"rooms":[{"room_id":"!a:hs","joined_members":9007199254740993,"state_events":1.0,"federatable":1,"public":0,"future":${ODD_NUMBERS}}],` +
        '"offset":9007199254740992,"total_rooms":18014398509481985,"next_batch":9007199254740993}',
    );
    const answer = await getAs(facade().url, `${ROOMS}?from=9007199254740992`);
    // state_events 1.0 is not an integer as Python reads it: the body does not fit and goes out as sent.
    expect(answer.text).toContain('"state_events":1.0');
    answerWith(
      `{"rooms":[{"room_id":"!a:hs","joined_members":9007199254740993,"federatable":1,"public":0,"future":${ODD_NUMBERS}}],` +
        '"offset":9007199254740992,"total_rooms":18014398509481985,"next_batch":9007199254740993}',
    );
    const { text } = await getAs(facade().url, `${ROOMS}?from=9007199254740992`);
    expect(text).toContain('"joined_members":9007199254740993');
    expect(text).toContain(`"future":${ODD_NUMBERS}`);
    expect(text).toContain('"federatable":true,"public":false');
    // As doubles next_batch equals offset; compared exactly it advances, and next_token is its exact text.
    expect(text).toContain('"offset":9007199254740992,"total_rooms":18014398509481985');
    expect(text).toContain('"next_batch":9007199254740993,"next_token":"9007199254740993"');
  });

  it('destinations: retry timestamps and counters beyond 2^53 are filled in and kept exact', async () => {
    answerWith('{"destinations":[{"destination":"a.example","retry_last_ts":90071992547409931,"failure_ts":null}],"total":90071992547409935,"next_token":"1"}');
    const { text } = await getAs(facade().url, DESTINATIONS);
    expect(text).toBe(
      '{"total":90071992547409935,"destinations":[{"destination":"a.example","retry_last_ts":90071992547409931,"failure_ts":null,"retry_interval":0,"last_successful_stream_ordering":null}],"next_token":"1"}',
    );
  });

  it('delete status: a newer status served again after an older one keeps its numbers exact', async () => {
    const complete = '{"delete_id":"d1","room_id":"!a:hs","status":"complete","shutdown_room":null,"progress":1.0,"ts":90071992547409931}';
    answerWith(complete);
    expect((await getAs(facade().url, '/_synapse/admin/v2/rooms/delete_status/d1')).text).toBe(complete);
    // A lagging answer: the facade re-serves the complete task it already served, rewritten from parsed JSON.
    answerWith('{"delete_id":"d1","room_id":"!a:hs","status":"active","shutdown_room":null,"progress":0.50}');
    expect((await getAs(facade().url, '/_synapse/admin/v2/rooms/delete_status/d1')).text).toBe(complete);
  });

  it('forward extremities: depth and stream positions beyond 2^53 survive the null-filling', async () => {
    answerWith('{"count":1,"results":[{"event_id":"$e","state_group":18014398509481985,"received_ts":-0}]}');
    const { text } = await getAs(facade().url, `${ROOMS}/!a:hs/forward_extremities`);
    expect(text).toBe('{"count":1,"results":[{"event_id":"$e","state_group":18014398509481985,"received_ts":-0,"depth":null}]}');
  });
});
