// The mock fails where Synapse 1.163.2 fails (500), and only there, so facade tests over it mean something.
import { describe, expect, it } from 'vitest';
import { BIG_ROOM_ID, FAILING_DESTINATION } from '../../src/mock/fixtures.ts';
import { synapseCrashes } from '../../src/pipeline/synapse-crashes.ts';
import { call, enc, useMockSynapse } from './support.ts';

const mock = useMockSynapse();
const eventId = () => mock().state.rooms.get(BIG_ROOM_ID)!.timeline[100]!.eventId;
const ROOM = `/_synapse/admin/v1/rooms/${enc(BIG_ROOM_ID)}`;
const HUGE = '9223372036854775808';
const MAX = '9223372036854775807';
const status = async (path: string) => (await call(mock(), 'GET', path)).status;
const filter = (json: string) => `filter=${enc(json)}`;

describe("issue 10: Synapse's own 500s become 400s — the mock fails like Synapse", () => {
  for (const crash of synapseCrashes) {
    it(`${crash.name}: 500`, async () => {
      const answer = await call(mock(), 'GET', `/_synapse/admin${crash.example({ roomId: BIG_ROOM_ID, eventId: eventId(), destination: FAILING_DESTINATION })}`);
      expect(answer).toMatchObject({ status: 500, body: { errcode: 'M_UNKNOWN', error: 'Internal server error' } });
    });
  }

  it('integers up to 2^63 − 1 are fine; beyond, the SQL-bound ones fail', async () => {
    expect(await status(`/_synapse/admin/v1/rooms?from=${MAX}&limit=${MAX}`)).toBe(200);
    expect(await status(`/_synapse/admin/v1/rooms?from=${HUGE}`)).toBe(500);
    expect(await status(`/_synapse/admin/v1/rooms?limit=${HUGE}&dir=x`)).toBe(400);
    expect(await status(`${ROOM}/timestamp_to_event?ts=${MAX}&dir=b`)).toBe(200);
    expect(await status(`/_synapse/admin/v1/rooms/!nowhere:mock.example/timestamp_to_event?ts=${HUGE}`)).toBe(500);
    expect(await status(`${ROOM}/messages?limit=${HUGE}`)).toBe(200);
  });

  it('messages: only backwards from a stream position fails', async () => {
    expect(await status(`${ROOM}/messages?dir=b&from=s${HUGE}`)).toBe(500);
    expect(await status(`${ROOM}/messages?dir=f&from=s${HUGE}`)).toBe(200);
  });

  it('context: from 2^63 − 512 once the event is found; from 2^1024 before', async () => {
    const context = (id: string, limit: string) => `${ROOM}/context/${enc(id)}?limit=${limit}`;
    expect(await status(context(eventId(), '9223372036854775295'))).toBe(200);
    expect(await status(context(eventId(), '9223372036854775296'))).toBe(500);
    expect(await status(context('$unknown', '9223372036854775296'))).toBe(404);
    expect(await status(context('$unknown', (2n ** 1024n).toString()))).toBe(500);
  });

  it('filters: a falsy value is no filter; other non-objects and unusable fields fail', async () => {
    for (const json of ['0', 'false', 'null', '""', '[]', '{}', '{"senders":"x"}', '{"types":{"a":1}}', '{"contains_url":1}']) {
      expect(await status(`${ROOM}/messages?${filter(json)}`), json).toBe(200);
    }
    for (const json of ['1', '"x"', '[1]', 'true', '{"not_types":null}', '{"types":[1]}', '{"senders":[[1]]}', `{"not_senders":[${HUGE}]}`, '{"contains_url":[1]}']) {
      expect(await status(`${ROOM}/messages?${filter(json)}`), json).toBe(500);
    }
    // Synapse checks `types` in Python only against the events it found: none in an unknown room.
    expect(await status(`/_synapse/admin/v1/rooms/!nowhere:mock.example/messages?${filter('{"types":0}')}`)).toBe(200);
    expect(await status(`${ROOM}/messages?${filter('{"types":0}')}`)).toBe(500);
  });
});
