// Rows leave the index only on evidence: missing from two complete sweeps in a row. A sweep that fails part-way
// (Synapse's 500 on one page) refreshes what it read and removes nothing, however often it happens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { startFailingProxy, type FailingProxy } from './support/failing-proxy.ts';
import { indexedRoom, indexedRows, indexStatus, wholeList } from './support/sweeper-harness.ts';

let mock: MockSynapse;
let proxy: FailingProxy;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse();
  proxy = await startFailingProxy(mock.url);
  facade = await startTestFacade(proxy.url, { facadeAdminToken: DEFAULT_ADMIN_TOKEN, indexPageSize: 40, indexRefreshMs: 600_000, indexMaxUpstreamShare: 1 });
  await facade.index.wake();
});
afterAll(async () => {
  await facade?.close();
  await proxy?.close();
  await mock?.close();
});

/** A room of the mock no other test of this file takes away. */
const takeRoom = (position: number): string => [...mock.state.rooms.keys()].sort()[position]!;

describe('removal from the index', () => {
  it('keeps a room gone from Synapse through one complete sweep and removes it with the second', async () => {
    const roomId = takeRoom(3);
    const destination = [...mock.state.destinations.keys()].sort()[3]!;
    mock.state.rooms.delete(roomId);
    mock.state.destinations.delete(destination);

    await facade.index.wake();
    expect(await indexedRoom(facade, roomId)).toBeDefined();
    expect((await indexedRows(facade, 'destinations')).map((row) => row.key)).toContain(destination);
    expect((await indexStatus(facade)).rooms.last_complete_sweep!.removed).toBe(0);

    await facade.index.wake();
    expect(await indexedRoom(facade, roomId)).toBeUndefined();
    expect((await indexedRows(facade, 'destinations')).map((row) => row.key)).not.toContain(destination);
    const status = await indexStatus(facade);
    expect(status.rooms).toMatchObject({ rows: mock.state.rooms.size, last_complete_sweep: { removed: 1 } });
    expect(status.destinations).toMatchObject({ rows: mock.state.destinations.size, last_complete_sweep: { removed: 1 } });
  });

  it('removes nothing while sweeps fail part-way, then needs two complete sweeps again', async () => {
    const roomId = takeRoom(0);
    mock.state.rooms.delete(roomId);
    const completeBefore = (await indexStatus(facade)).rooms.last_complete_sweep;
    // The last page of the room list fails: every earlier page is read and stored, the sweep is incomplete.
    proxy.failWhen = (method, url) => method === 'GET' && url === '/_synapse/admin/v1/rooms?limit=40&from=120';
    for (let sweep = 0; sweep < 3; sweep += 1) await facade.index.wake();

    expect(await indexedRoom(facade, roomId)).toBeDefined();
    const failing = await indexStatus(facade);
    expect(failing.rooms.rows).toBe(mock.state.rooms.size + 1);
    expect(failing.rooms.last_complete_sweep).toEqual(completeBefore);
    expect(failing.rooms.last_failed_sweep?.error).toMatch(/Synapse answered 500 to page 120/);
    // A failed room sweep does not stop the destinations sweep.
    expect(Date.parse(failing.destinations.last_complete_sweep!.finished)).toBeGreaterThan(Date.parse(failing.rooms.last_failed_sweep!.started));

    proxy.failWhen = undefined;
    await facade.index.wake();
    expect(await indexedRoom(facade, roomId)).toBeDefined();
    expect((await indexStatus(facade)).rooms.last_failed_sweep).toBeNull();
    await facade.index.wake();
    expect(await indexedRoom(facade, roomId)).toBeUndefined();
  });

  it('stores the pages a failed sweep did read: a room new to Synapse appears even when a later page fails', async () => {
    // A copy of the room Synapse lists first, with an ID that sorts before it: the new room is on the first page.
    const [first] = await wholeList<{ room_id: string }>(mock.url, 'rooms');
    const roomId = '!---new-room:mock.example';
    mock.state.rooms.set(roomId, { ...mock.state.rooms.get(first!.room_id)!, roomId });
    proxy.failWhen = (method, url) => method === 'GET' && url.startsWith('/_synapse/admin/v1/rooms?limit=40&from=40');
    try {
      await facade.index.wake();
    } finally {
      proxy.failWhen = undefined;
    }
    expect((await indexStatus(facade)).rooms.last_failed_sweep).not.toBeNull();
    expect(await indexedRoom(facade, roomId)).toMatchObject({ key: roomId, item: { room_id: roomId } });
  });
});
