// MOCK_SYNAPSE_VERSION: the mock answers as the pinned release by default, and as 1.92.3 (before the task scheduler)
// when told, in the shapes the real-Synapse matrix found (test/e2e/support/versions.ts).
import { describe, expect, it } from 'vitest';
import { SYNAPSE_VERSION } from '../../src/mock/constants.ts';
import * as F from '../../src/mock/fixtures.ts';
import { mockRelease } from '../../src/mock/release.ts';
import { call, enc, useMockSynapse } from './support.ts';

const timing = { scheduledMs: 1000, activeMs: 4000 };
let nowMs = 1_800_000_000_000;
const pinned = useMockSynapse({ clock: () => nowMs, deleteTaskTiming: timing });
const old = useMockSynapse({ clock: () => nowMs, deleteTaskTiming: timing, synapseVersion: '1.92.3' });

describe('mockRelease', () => {
  it('is the pinned release unless $MOCK_SYNAPSE_VERSION or the option names another', () => {
    expect(mockRelease(SYNAPSE_VERSION)).toStrictEqual({ version: SYNAPSE_VERSION, legacyDeleteTasks: false, tombstoneInDetails: true, stateTypeFilter: true });
    expect(mockRelease('1.144.0')).toStrictEqual({ version: '1.144.0', legacyDeleteTasks: false, tombstoneInDetails: false, stateTypeFilter: true });
    expect(mockRelease('1.92.3')).toStrictEqual({ version: '1.92.3', legacyDeleteTasks: true, tombstoneInDetails: false, stateTypeFilter: false });
    expect(mockRelease('1.93.0').legacyDeleteTasks).toBe(false);
    expect(() => mockRelease('latest')).toThrow(RangeError);
  });
});

describe.each([
  ['pinned', pinned, SYNAPSE_VERSION],
  ['1.92.3', old, '1.92.3'],
])('the mock as %s', (_name, mock, version) => {
  it('reports its release', async () => {
    expect((await call(mock(), 'GET', '/_synapse/admin/v1/server_version')).body).toStrictEqual({ server_version: version });
  });
});

describe('delete tasks', () => {
  it('pinned: scheduled → active → complete, four keys, scheduled tasks not listed by room', async () => {
    const deleteId = (await call(pinned(), 'DELETE', `/_synapse/admin/v2/rooms/${enc(F.REPLACEMENT_ROOM_ID)}`, { body: {} })).body.delete_id as string;
    const statuses: unknown[] = [];
    for (const step of [0, 1000, 2500, 3000]) {
      nowMs += step;
      statuses.push((await call(pinned(), 'GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`)).body.status);
    }
    expect(statuses).toStrictEqual(['scheduled', 'active', 'active', 'complete']);
    const task = (await call(pinned(), 'GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`)).body;
    expect(Object.keys(task).sort()).toStrictEqual(['delete_id', 'room_id', 'shutdown_room', 'status']);
  });

  it('1.92.3: purging → shutting_down → purging → complete, status and shutdown_room only; by room with delete_id', async () => {
    const roomId = F.REPLACEMENT_ROOM_ID;
    const deleteId = (await call(old(), 'DELETE', `/_synapse/admin/v2/rooms/${enc(roomId)}`, { body: {} })).body.delete_id as string;
    const read = () => call(old(), 'GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`);
    const first = (await read()).body;
    expect(first).toStrictEqual({ status: 'purging', shutdown_room: { kicked_users: [], failed_to_kick_users: [], local_aliases: [], new_room_id: null } });
    // Listed by room while it runs (1.92.3 lists every task it holds).
    expect((await call(old(), 'GET', `/_synapse/admin/v2/rooms/${enc(roomId)}/delete_status`)).body).toStrictEqual({ results: [{ delete_id: deleteId, ...first }] });
    const statuses: unknown[] = [];
    for (const step of [1000, 2500, 3000]) {
      nowMs += step;
      statuses.push((await read()).body.status);
    }
    expect(statuses).toStrictEqual(['shutting_down', 'purging', 'complete']);
    expect((await read()).body).toMatchObject({ shutdown_room: { kicked_users: expect.arrayContaining(['@admin:mock.example']) } });
    expect(Object.keys((await read()).body).sort()).toStrictEqual(['shutdown_room', 'status']);
  });
});

describe('room details and state', () => {
  it('pinned says tombstoned and replacement_room; 1.92.3 leaves them out', async () => {
    const path = `/_synapse/admin/v1/rooms/${enc(F.TOMBSTONED_ROOM_ID)}`;
    expect((await call(pinned(), 'GET', path)).body).toMatchObject({ tombstoned: true });
    const details = (await call(old(), 'GET', path)).body;
    expect(Object.keys(details)).not.toContain('tombstoned');
    expect(Object.keys(details)).not.toContain('replacement_room');
  });

  it('pinned filters state by ?type=; 1.92.3 answers every state event', async () => {
    const path = `/_synapse/admin/v1/rooms/${enc(F.TOMBSTONED_ROOM_ID)}/state?type=m.room.create`;
    const types = async (mock: typeof pinned) => new Set(((await call(mock(), 'GET', path)).body.state as { type: string }[]).map((event) => event.type));
    expect(await types(pinned)).toStrictEqual(new Set(['m.room.create']));
    expect((await types(old)).size).toBeGreaterThan(1);
  });
});
