// An accepted GET target is validated once: its next request skips the checks but is still answered and sent on
// exactly as before; another spelling, a refused target and a target of another route are checked afresh.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { roomsListRoute } from '../../src/routes/rooms/rooms-list.ts';
import { rememberValidated, validatedBefore } from '../../src/pipeline/validated-targets.ts';
import { ROOMS, useFacadeOverMock } from '../routes/support.ts';

const { get, upstreamUrls, expectRefused } = useFacadeOverMock();

afterEach(() => vi.restoreAllMocks());

describe('validated targets', () => {
  it('a target seen before is not validated again, and goes upstream the same', async () => {
    const validate = vi.spyOn(roomsListRoute, 'validate');
    const target = `${ROOMS}?limit=7&order_by=joined_members&dir=b`;
    const first = await get(target);
    const second = await get(target);
    expect(first.status).toBe(200);
    expect(second.text).toBe(first.text);
    expect(validate).toHaveBeenCalledTimes(1);
    const sent = upstreamUrls();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toBe(sent[0]);
  });

  it('another spelling of the same query is validated on its own', async () => {
    const validate = vi.spyOn(roomsListRoute, 'validate');
    await get(`${ROOMS}?limit=5&from=0`);
    await get(`${ROOMS}?from=0&limit=5`);
    expect(validate).toHaveBeenCalledTimes(2);
  });

  it('a refused target is never remembered: each request gets Synapse\'s error again', async () => {
    const validate = vi.spyOn(roomsListRoute, 'validate');
    for (let i = 0; i < 2; i += 1) {
      await expectRefused(`${ROOMS}?limit=-1`, 400, 'M_INVALID_PARAM', 'Query parameter limit must be a positive integer.');
    }
    expect(validate).toHaveBeenCalledTimes(2);
  });

  it('a validation that read the server name is not remembered: it may hold for this facade only', async () => {
    const original = roomsListRoute.validate.bind(roomsListRoute);
    const validate = vi.spyOn(roomsListRoute, 'validate').mockImplementation(async (input) => {
      await input.serverName();
      return original(input);
    });
    const target = `${ROOMS}?limit=3&order_by=name`;
    // The first read learns the name from whoami (a probe); the later ones read the name this facade keeps.
    for (let i = 0; i < 3; i += 1) expect((await get(target)).status).toBe(200);
    expect(validate).toHaveBeenCalledTimes(3);
  });

  it('remembers only bodiless GETs of bounded length', () => {
    const validated = { request: { path: '/v1/rooms', query: [] }, canonical: '/v1/rooms', target: '/v1/rooms' };
    rememberValidated(roomsListRoute, `${ROOMS}?q=${'a'.repeat(2_000)}`, validated);
    expect(validatedBefore(roomsListRoute, `${ROOMS}?q=${'a'.repeat(2_000)}`)).toBeUndefined();
    const post = { ...roomsListRoute, method: 'POST' as const };
    rememberValidated(post, `${ROOMS}?x=1`, validated);
    expect(validatedBefore(post, `${ROOMS}?x=1`)).toBeUndefined();
    rememberValidated(roomsListRoute, `${ROOMS}?x=1`, validated);
    expect(validatedBefore(roomsListRoute, `${ROOMS}?x=1`)).toEqual(validated);
  });
});
