// Inputs Synapse accepts and then fails on (500) are the facade's own 400s, after Synapse's own checks.
import { describe, expect, it } from 'vitest';
import { BIG_ROOM_ID, FAILING_DESTINATION } from '../../src/mock/fixtures.ts';
import { synapseCrashes } from '../../src/pipeline/synapse-crashes.ts';
import { ownedRoutes } from '../../src/routes/owned-routes.ts';
import { DESTINATIONS, enc, expectMatrixError, ROOMS, useFacadeOverMock } from '../routes/support.ts';

const pair = useFacadeOverMock();
const eventId = () => pair.mock().state.rooms.get(BIG_ROOM_ID)!.timeline[100]!.eventId;
const ids = () => ({ roomId: BIG_ROOM_ID, eventId: eventId(), destination: FAILING_DESTINATION });
const HUGE = '9223372036854775808';
const MAX = '9223372036854775807';
const messages = (query: string) => `${ROOMS}/${enc(BIG_ROOM_ID)}/messages?${query}`;
// `{event}` is filled in once the mock runs.
const context = (query: string) => `${ROOMS}/${enc(BIG_ROOM_ID)}/context/{event}?${query}`;
const resolve = (path: string) => path.replace('{event}', enc(eventId()));
const filter = (json: string) => `filter=${enc(json)}`;
/** The decoded paths (no query) of what reached the mock: a route's existence check may, the request may not. */
const pathsSent = () => pair.upstreamUrls().map((url) => decodeURIComponent(url.split('?')[0]!));

describe("issue 10: Synapse's own 500s become 400s", () => {
  it('every entry names owned routes', () => {
    const names = new Set(ownedRoutes.map((route) => route.name));
    for (const crash of synapseCrashes) for (const route of crash.routes) expect(names, crash.name).toContain(route);
  });

  for (const crash of synapseCrashes) {
    it(`${crash.name}: the example is a 400 from the facade and is never sent`, async () => {
      const example = `/_synapse/admin${crash.example(ids())}`;
      const answer = await pair.get(example);
      expect(answer.status).toBe(400);
      expect(['M_INVALID_PARAM', 'M_BAD_JSON']).toContain(answer.body.errcode);
      expect(pathsSent()).not.toContain(decodeURIComponent(example.split('?')[0]!));
      // Only a route that asks Synapse whether the object exists first (as Synapse does) sends anything.
      const checksExistence = ownedRoutes.some((route) => crash.routes.includes(route.name) && route.existenceCheckPath);
      if (!checksExistence) expect(pathsSent()).toEqual([]);
    });
  }

  it.each<readonly [string, string, string]>([
    [`${ROOMS}?from=${HUGE}`, 'M_INVALID_PARAM', `Query parameter from must be at most ${MAX}`],
    [`${ROOMS}?limit=99999999999999999999999`, 'M_INVALID_PARAM', `Query parameter limit must be at most ${MAX}`],
    [`${DESTINATIONS}?limit=${HUGE}`, 'M_INVALID_PARAM', `Query parameter limit must be at most ${MAX}`],
    [`${DESTINATIONS}/${enc(FAILING_DESTINATION)}/rooms?from=${HUGE}`, 'M_INVALID_PARAM', `Query parameter from must be at most ${MAX}`],
    [`${ROOMS}/${enc(BIG_ROOM_ID)}/timestamp_to_event?ts=99999999999999999999`, 'M_INVALID_PARAM', `Query parameter ts must be at most ${MAX}`],
    [messages('dir=b&from=s-9223372036854775809'), 'M_INVALID_PARAM', "'from' parameter is invalid: its stream position must fit in 64 bits"],
    [messages(`dir=b&from=s%2B${HUGE}_0`), 'M_INVALID_PARAM', "'from' parameter is invalid: its stream position must fit in 64 bits"],
    [messages(`dir=b&from=m${HUGE}`), 'M_INVALID_PARAM', "'from' parameter is invalid: its stream position must fit in 64 bits"],
    [context('limit=9223372036854775296'), 'M_INVALID_PARAM', 'Query parameter limit must be at most 9223372036854775295'],
    ...['1', 'true', '"x"', '[1]', '1e400', '-1'].map((json) => [messages(filter(json)), 'M_BAD_JSON', 'Query parameter filter must be a JSON object'] as const),
    [context(filter('{"not_types":null}')), 'M_BAD_JSON', "Query parameter filter: 'not_types' must be a list of strings"],
    [context(filter('{"types":[1]}')), 'M_BAD_JSON', "Query parameter filter: 'types' must be a list of strings"],
    [messages(filter('{"senders":[[1]]}')), 'M_BAD_JSON', "Query parameter filter: 'senders' must be a list of strings"],
    [messages(filter(`{"not_senders":[${HUGE}]}`)), 'M_BAD_JSON', "Query parameter filter: 'not_senders' must be a list of strings"],
    [messages(filter('{"rooms":1}')), 'M_BAD_JSON', "Query parameter filter: 'rooms' must be a list of strings"],
    [messages(filter('{"related_by_rel_types":[{}]}')), 'M_BAD_JSON', "Query parameter filter: 'related_by_rel_types' must be a list of strings"],
    [messages(filter('{"org.matrix.not_labels":1}')), 'M_BAD_JSON', "Query parameter filter: 'org.matrix.not_labels' must be a list of strings"],
    [messages(filter('{"contains_url":{"a":1}}')), 'M_BAD_JSON', "Query parameter filter: 'contains_url' must be a boolean"],
  ])('%s → 400 %s', async (path, errcode, error) => {
    expectMatrixError(await pair.get(resolve(path)), 400, errcode, error);
    expect(pathsSent()).not.toContain(decodeURIComponent(resolve(path).split('?')[0]!));
  });

  it.each<readonly [string]>([
    [`${ROOMS}?from=${MAX}&limit=${MAX}`],
    [`${DESTINATIONS}?from=${MAX}`],
    [`${ROOMS}/${enc(BIG_ROOM_ID)}/timestamp_to_event?ts=${MAX}&dir=b`],
    [messages(`dir=f&from=s${HUGE}`)],
    [messages(`dir=b&from=t${HUGE}-1`)],
    [messages('dir=b&from=s-9223372036854775808')],
    [context('limit=9223372036854775295')],
    ...['0', 'false', 'null', '""', '[]', '{}', '{"senders":"x"}', '{"types":{"a":1}}', '{"senders":[1.5,true,null]}', '{"contains_url":1}',
      '{"org.matrix.not_labels":[[1]]}', '{"related_by_senders":"x"}', '{"limit":"x"}'].map((json) => [messages(filter(json))] as const),
  ])('%s is what Synapse answers itself: sent', async (path) => {
    await pair.get(resolve(path));
    expect(pair.upstreamUrls()).toHaveLength(1);
  });

  it("Synapse's own checks come first: a bad dir, an unknown destination", async () => {
    await pair.expectRefused(`${ROOMS}?limit=${HUGE}&dir=x`, 400, 'M_INVALID_PARAM', "Query parameter 'dir' must be one of ['b', 'f']");
    expectMatrixError(await pair.get(`${DESTINATIONS}/nowhere.example/rooms?limit=${HUGE}`), 404, 'M_NOT_FOUND', 'Unknown destination');
  });

  it('the token check comes first', async () => {
    await pair.expectMissingToken(`${ROOMS}?limit=${HUGE}`);
    const answer = await pair.get(messages('filter=1'), { token: 'not-a-token' });
    expect({ status: answer.status, errcode: answer.body.errcode }).toEqual({ status: 401, errcode: 'M_UNKNOWN_TOKEN' });
  });
});
