// Room deletes kept by the facade: recorded when sent, every status seen, the final one found by the follower
// without any client polling, and delete_status answered from the store after Synapse forgets the task.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIG_ROOM_ID, EMPTY_ROOM_ID, SPACE_ROOM_ID } from '../../src/mock/fixtures.ts';
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import type { ConfigInput } from '../../src/config.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';

const TIMING = { scheduledMs: 40, activeMs: 120 };
const auth = { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` };
const enc = encodeURIComponent;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dataDir: string;
let mock: MockSynapse;
let facade: TestFacade | undefined;

async function startFacade(overrides: Partial<ConfigInput> = {}) {
  facade = await startTestFacade(mock.url, { dataDir, deleteFollowIntervalMs: 60_000, ...overrides });
  return facade;
}

/** Stops the mock and starts a fresh one on the same port: it has forgotten every delete task. */
async function restartMock() {
  const port = Number(new URL(mock.url).port);
  await mock.close();
  mock = await startMockSynapse({ port, deleteTaskTiming: TIMING });
}

const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${facade!.url}${path}`, {
    method,
    headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
};

const deleteV2 = async (roomId: string, body: unknown = { purge: true }) => {
  const answer = await call('DELETE', `/_synapse/admin/v2/rooms/${enc(roomId)}`, body);
  expect(answer.status).toBe(200);
  return String(answer.json.delete_id);
};

/** Waits until `check` holds, polling the store (never the delete status routes). */
async function until(check: () => Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'facade-deletes-'));
  mock = await startMockSynapse({ deleteTaskTiming: TIMING });
});
afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await mock.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('recording', () => {
  it('a v2 delete is recorded with its admin and flags; statuses a client polls are added to its history', async () => {
    // A second of `active`: a poll through the facade on a loaded machine once took longer than TIMING's window
    // (a flake in 2 of 4 runs under load), and the poll is what must see the status.
    await mock.close();
    mock = await startMockSynapse({ deleteTaskTiming: { scheduledMs: 40, activeMs: 1_000 } });
    await startFacade();
    const deleteId = await deleteV2(EMPTY_ROOM_ID, { purge: true, block: true, message: 'bye' });
    let record = await facade!.context.store.getDelete(deleteId);
    expect(record).toMatchObject({ api: 'v2', roomId: EMPTY_ROOM_ID, admin: '@admin:mock.example', status: 'scheduled', flags: { purge: true, block: true, message: 'bye' } });
    // A client polling (as Ketesa does, faster here): every status it is served lands in the history.
    const served: unknown[] = [];
    await until(async () => {
      served.push((await call('GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`)).json.status);
      return served.at(-1) === 'complete';
    });
    expect(served).toContain('active');
    record = await facade!.context.store.getDelete(deleteId);
    expect(record?.history.map((seen) => seen.status)).toEqual(['scheduled', 'active', 'complete']);
    expect(record?.finishedAt).not.toBeNull();
    expect(record?.shutdownRoom).toMatchObject({ kicked_users: expect.any(Array) });
  });

  it('a v1 delete is recorded complete with its result, and one whose answer never came is recorded failed', async () => {
    await startFacade();
    expect((await call('DELETE', `/_synapse/admin/v1/rooms/${enc(EMPTY_ROOM_ID)}`, {})).status).toBe(200);
    const [done] = await facade!.context.store.deletesOfRoom(EMPTY_ROOM_ID);
    expect(done).toMatchObject({ api: 'v1', status: 'complete', admin: '@admin:mock.example', shutdownRoom: { new_room_id: null } });
    expect(done!.deleteId).toMatch(/^facade-v1-/);
    // The admin's verdict is kept, so the delete itself is what meets the closed Synapse.
    await mock.close();
    const failed = await call('DELETE', `/_synapse/admin/v1/rooms/${enc(BIG_ROOM_ID)}`, {});
    expect(failed.status).toBe(502);
    const [record] = await facade!.context.store.deletesOfRoom(BIG_ROOM_ID);
    expect(record).toMatchObject({ api: 'v1', status: 'failed', error: 'Synapse is unreachable from the admin facade' });
    mock = await startMockSynapse({ deleteTaskTiming: TIMING });
  });

  it('a delete Synapse refuses (400) is not a tracked delete', async () => {
    // A delete that stays active long enough for a second one to meet it, however slow the machine.
    await mock.close();
    mock = await startMockSynapse({ deleteTaskTiming: { scheduledMs: 0, activeMs: 30_000 } });
    await startFacade();
    await deleteV2(BIG_ROOM_ID);
    // A second delete while the first is active: Synapse's own 400, nothing started.
    expect((await call('DELETE', `/_synapse/admin/v2/rooms/${enc(BIG_ROOM_ID)}`, {})).status).toBe(400);
    expect(await facade!.context.store.deletesOfRoom(BIG_ROOM_ID)).toHaveLength(1);
  });
});

describe('the follower', () => {
  it('records the final status of a v2 delete no client polls', async () => {
    await startFacade({ deleteFollowIntervalMs: 50 });
    const deleteId = await deleteV2(SPACE_ROOM_ID);
    await until(async () => (await facade!.context.store.getDelete(deleteId))?.status === 'complete');
    const asked = mock.requests.filter((request) => request.url.includes('/delete_status/'));
    expect(asked.length).toBeGreaterThan(0);
    // One request at a time, paced: never more than one every FOLLOWER_MIN_GAP_MS for a single delete.
    expect(asked.length).toBeLessThan(20);
  });

  it('after a facade restart, finishes an unfinished delete with FACADE_ADMIN_TOKEN', async () => {
    await startFacade();
    const deleteId = await deleteV2(EMPTY_ROOM_ID);
    await facade!.close();
    await startFacade({ deleteFollowIntervalMs: 50, facadeAdminToken: DEFAULT_ADMIN_TOKEN });
    await until(async () => (await facade!.context.store.getDelete(deleteId))?.status === 'complete');
  });

  it('a task Synapse forgot before it finished: complete when the room is gone, failed with the reason when it is not', async () => {
    await startFacade();
    const deleteId = await deleteV2(BIG_ROOM_ID);
    await restartMock();
    await facade!.close();
    await startFacade({ deleteFollowIntervalMs: 50, facadeAdminToken: DEFAULT_ADMIN_TOKEN });
    await until(async () => (await facade!.context.store.getDelete(deleteId))?.finishedAt != null);
    const record = await facade!.context.store.getDelete(deleteId);
    expect(record).toMatchObject({ status: 'failed', error: expect.stringMatching(/no longer knows this delete task and the room still exists/) });
  });
});

describe('delete_status from the store', () => {
  it('by delete ID: Synapse’s 404 becomes the store’s task, same four keys, with X-Facade-Source: store', async () => {
    await startFacade();
    const deleteId = await deleteV2(EMPTY_ROOM_ID);
    await sleep(TIMING.scheduledMs + TIMING.activeMs + 40);
    const fromSynapse = await call('GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`);
    expect(fromSynapse.headers.get('x-facade-source')).toBeNull();
    await restartMock();
    const fromStore = await call('GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`);
    expect(fromStore.status).toBe(200);
    expect(fromStore.headers.get('x-facade-source')).toBe('store');
    expect(fromStore.headers.get('access-control-expose-headers')).toMatch(/X-Facade-Source/);
    expect(fromStore.json).toEqual(fromSynapse.json);
    expect(Object.keys(fromStore.json).sort()).toEqual(['delete_id', 'room_id', 'shutdown_room', 'status']);
  });

  it('survives a facade restart too', async () => {
    await startFacade();
    const deleteId = await deleteV2(EMPTY_ROOM_ID);
    await sleep(TIMING.scheduledMs + TIMING.activeMs + 40);
    await call('GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`);
    await facade!.close();
    await restartMock();
    await startFacade();
    const answer = await call('GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`);
    expect(answer).toMatchObject({ status: 200, json: { delete_id: deleteId, room_id: EMPTY_ROOM_ID, status: 'complete' } });
  });

  it('an ID or room the store does not know keeps Synapse’s 404', async () => {
    await startFacade();
    const unknownId = await call('GET', '/_synapse/admin/v2/rooms/delete_status/NoSuchDeleteIdAA');
    expect(unknownId).toMatchObject({ status: 404, json: { errcode: 'M_NOT_FOUND', error: "delete id 'NoSuchDeleteIdAA' not found" } });
    expect(unknownId.headers.get('x-facade-source')).toBeNull();
    expect((await call('GET', `/_synapse/admin/v2/rooms/${enc(BIG_ROOM_ID)}/delete_status`)).status).toBe(404);
  });

  it('by room: the store’s forgotten tasks come first, then Synapse’s list', async () => {
    await startFacade();
    const forgotten = await deleteV2(EMPTY_ROOM_ID);
    await sleep(TIMING.scheduledMs + TIMING.activeMs + 40);
    await call('GET', `/_synapse/admin/v2/rooms/delete_status/${forgotten}`);
    await restartMock();
    const byRoomFromStore = await call('GET', `/_synapse/admin/v2/rooms/${enc(EMPTY_ROOM_ID)}/delete_status`);
    expect(byRoomFromStore.headers.get('x-facade-source')).toBe('store');
    expect((byRoomFromStore.json.results as Array<{ delete_id: string }>).map((task) => task.delete_id)).toEqual([forgotten]);

    // The restarted mock draws delete IDs from the same seed: one delete elsewhere first, so IDs differ as Synapse's do.
    await deleteV2(SPACE_ROOM_ID);
    const current = await deleteV2(EMPTY_ROOM_ID);
    await sleep(TIMING.scheduledMs + 20);
    const merged = await call('GET', `/_synapse/admin/v2/rooms/${enc(EMPTY_ROOM_ID)}/delete_status`);
    expect(merged.headers.get('x-facade-source')).toBe('synapse+store');
    const results = merged.json.results as Array<{ delete_id: string; status: string }>;
    expect(results.map((task) => task.delete_id)).toEqual([forgotten, current]);
    expect(results[0]!.status).toBe('complete');
  });

  it('a store that is down leaves Synapse’s answers as they were', async () => {
    await startFacade();
    const deleteId = await deleteV2(EMPTY_ROOM_ID);
    await restartMock();
    await facade!.context.store.close();
    const answer = await call('GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`);
    expect(answer.status).toBe(404);
  });
});

describe('GET /_facade/v1/deletes', () => {
  it('answers the whole record (history, admin, flags) by delete ID and by room', async () => {
    await startFacade();
    const deleteId = await deleteV2(EMPTY_ROOM_ID, { purge: true, force_purge: true });
    const one = await call('GET', `/_facade/v1/deletes/${deleteId}`);
    expect(one).toMatchObject({
      status: 200,
      json: { delete_id: deleteId, api: 'v2', room_id: EMPTY_ROOM_ID, admin: '@admin:mock.example', status: 'scheduled', flags: { purge: true, force_purge: true }, history: [{ status: 'scheduled' }] },
    });
    const byRoom = await call('GET', `/_facade/v1/rooms/${enc(EMPTY_ROOM_ID)}/deletes`);
    expect((byRoom.json.results as unknown[]).length).toBe(1);
    expect((await call('GET', '/_facade/v1/deletes/nope')).status).toBe(404);
  });
});
