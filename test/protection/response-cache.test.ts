// The shared response cache: hit/miss/bypass, canonical keys, only 200s, and invalidation on mutations.
import { describe, expect, it } from 'vitest';
import {
  BIG_ROOM_ID,
  EMPTY_ROOM_ID,
  FAILING_DESTINATION,
  LOCAL_ONLY_ROOM_ID,
  SPACE_ROOM_ID,
} from '../../src/mock/fixtures.ts';
import { DESTINATIONS, enc, readAnswer, ROOMS, useFacadeOverMock } from '../routes/support.ts';
import { sendAs } from '../routes/mutations/support.ts';

const pair = useFacadeOverMock({ deleteTaskTiming: { scheduledMs: 20, activeMs: 50 } }, { cacheMaxBytes: 8 * 1024 * 1024 });
const get = async (path: string, headers: Record<string, string> = {}) =>
  readAnswer(await fetch(`${pair.facade().url}${path}`, { headers: { authorization: 'Bearer mock-admin-token', ...headers } }));
const send = (method: string, path: string, body?: unknown) => sendAs(pair.facade().url, method, path, body);
const cacheOf = async (path: string) => (await get(path)).headers.get('x-facade-cache');

describe('hit, miss, bypass', () => {
  it('a second identical GET is a hit that never reaches Synapse', async () => {
    const first = await get(`${ROOMS}/${enc(BIG_ROOM_ID)}`);
    const second = await get(`${ROOMS}/${enc(BIG_ROOM_ID)}`);
    expect(first.headers.get('x-facade-cache')).toBe('miss');
    expect(second.headers.get('x-facade-cache')).toBe('hit');
    expect(second.text).toBe(first.text);
    expect(pair.upstreamUrls()).toHaveLength(1);
  });

  it('keys are canonical: raw and encoded IDs, key order, `;` and 1_0 all share one entry', async () => {
    expect(await cacheOf(`${ROOMS}?limit=10&from=0&order_by=size`)).toBe('miss');
    expect(await cacheOf(`${ROOMS}?order_by=size;from=0&limit=1_0`)).toBe('hit');
    expect(await cacheOf(`${ROOMS}/${SPACE_ROOM_ID}/members`)).toBe('miss');
    expect(await cacheOf(`${ROOMS}/${enc(SPACE_ROOM_ID)}/members?order_by=id&dir=b`)).toBe('hit');
  });

  it('Cache-Control: no-cache bypasses the cache and refreshes it', async () => {
    await get(`${DESTINATIONS}?limit=5`);
    const bypass = await get(`${DESTINATIONS}?limit=5`, { 'cache-control': 'no-cache' });
    expect(bypass.headers.get('x-facade-cache')).toBe('bypass');
    expect(pair.upstreamUrls()).toHaveLength(2);
    expect(await cacheOf(`${DESTINATIONS}?limit=5`)).toBe('hit');
  });

  it('only successful answers are cached', async () => {
    expect((await get(`${ROOMS}/!nope:mock.example`)).status).toBe(404);
    expect((await get(`${ROOMS}/!nope:mock.example`)).headers.get('x-facade-cache')).toBe('miss');
    expect(pair.upstreamUrls()).toHaveLength(2);
  });

  it('messages, context and timestamp_to_event are never cached', async () => {
    expect(await cacheOf(`${ROOMS}/${enc(BIG_ROOM_ID)}/messages?limit=2`)).toBe('bypass');
    expect(await cacheOf(`${ROOMS}/${enc(BIG_ROOM_ID)}/messages?limit=2`)).toBe('bypass');
    expect(pair.upstreamUrls()).toHaveLength(2);
  });
});

// After a write the room (and the lists) are read from Synapse for the settle window: `bypass`, never a stale hit.
describe('invalidation on mutations through the facade (read, mutate, read again)', () => {
  it('block/unblock → that room’s block status and the lists', async () => {
    const status = `${ROOMS}/${enc(EMPTY_ROOM_ID)}/block`;
    expect((await get(status)).body).toEqual({ block: false, user_id: null });
    await get(`${ROOMS}?limit=3`);
    await send('PUT', status, { block: true });
    expect((await get(status)).body).toMatchObject({ block: true });
    expect(await cacheOf(`${ROOMS}?limit=3`)).toBe('bypass');
  });

  it('v1 delete → details, members, state, block status and the lists', async () => {
    const room = `${ROOMS}/${enc(LOCAL_ONLY_ROOM_ID)}`;
    for (const path of [room, `${room}/members`, `${room}/state`, `${room}/block`, `${ROOMS}?limit=4`]) await get(path);
    await send('DELETE', room, { block: true, force_purge: true });
    expect((await get(room)).status).toBe(404);
    expect((await get(`${room}/members`)).status).toBe(404);
    expect((await get(`${room}/state`)).status).toBe(404);
    expect((await get(`${room}/block`)).body).toMatchObject({ block: true });
    expect(await cacheOf(`${ROOMS}?limit=4`)).toBe('bypass');
  });

  it('v2 delete → details, delete status and the lists', async () => {
    const room = `${ROOMS}/${enc(SPACE_ROOM_ID)}`;
    expect((await get(room)).status).toBe(200);
    const { delete_id: deleteId } = (await send('DELETE', `/_synapse/admin/v2/rooms/${enc(SPACE_ROOM_ID)}`, {})).body as { delete_id: string };
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await get(`/_synapse/admin/v2/rooms/delete_status/${deleteId}`)).body.status).toBe('complete');
    expect((await get(room)).status).toBe(404);
  });

  it('make_room_admin and forward extremities → that room’s state and extremities', async () => {
    const room = `${ROOMS}/${enc(BIG_ROOM_ID)}`;
    await get(`${room}/state`);
    const extremitiesBefore = (await get(`${room}/forward_extremities`)).body.count as number;
    expect(extremitiesBefore).toBeGreaterThan(1);
    await send('POST', `${room}/make_room_admin`, { user_id: '@alice:mock.example' });
    expect(await cacheOf(`${room}/state`)).toBe('bypass');
    await send('DELETE', `${room}/forward_extremities`);
    expect((await get(`${room}/forward_extremities`)).body.count).toBe(1);
  });

  it('reset_connection → that destination and the destination list', async () => {
    const details = `${DESTINATIONS}/${enc(FAILING_DESTINATION)}`;
    expect(((await get(details)).body.retry_last_ts as number) > 0).toBe(true);
    await get(`${DESTINATIONS}?limit=100`);
    await send('POST', `${details}/reset_connection`);
    expect((await get(details)).body.retry_last_ts).toBe(0);
    expect(await cacheOf(`${DESTINATIONS}?limit=100`)).toBe('bypass');
  });
});
