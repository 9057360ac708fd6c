// The facade's store against the real Synapse: a bulk delete job of three rooms, its audit rows, and
// delete_status answered from the store once Synapse forgot its own tasks (rows removed, or a restart).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { dispatch } from './support/compare.ts';
import { deleteTask } from './support/expected.ts';
import { forgetDeleteTask } from './support/forget-task.ts';
import { runningBehaviour, taskIds } from './support/versions.ts';

let facade: TestFacade;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'facade-e2e-store-'));
  facade = await startTestFacade(inject('synapse').baseUrl, { dataDir, deleteFollowIntervalMs: 500 });
});
afterAll(async () => {
  await facade?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Json = Record<string, unknown>;

async function call(origin: string, method: string, target: string, body?: unknown, token = inject('synapse').adminToken) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return dispatch(origin, { method, target, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}
const viaFacade = (method: string, target: string, body?: unknown) => call(facade.url, method, target, body);
const onSynapse = (method: string, target: string, body?: unknown) => call(inject('synapse').baseUrl, method, target, body);

/** A fresh room created by the ordinary user. */
async function freshRoom(): Promise<string> {
  const answer = await call(inject('synapse').baseUrl, 'POST', '/_matrix/client/v3/createRoom', { preset: 'private_chat' }, inject('synapse').userToken);
  expect(answer.status).toBe(200);
  return answer.body.room_id as string;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not done in time: ${JSON.stringify(value)}`);
    await sleep(250);
  }
}

describe('e2e store: deletes Synapse forgot', () => {
  it('delete_status by ID and by room answer from the store once the task row is removed from Synapse’s database', async () => {
    const roomId = await freshRoom();
    const started = await viaFacade('DELETE', `/_synapse/admin/v2/rooms/${encodeURIComponent(roomId)}`, { purge: true });
    expect(started.status).toBe(200);
    const deleteId = started.body.delete_id as string;
    // No client polls: the follower records the end.
    const record = await until(() => viaFacade('GET', `/_facade/v1/deletes/${deleteId}`), (answer) => (answer.body as Json).status === 'complete');
    expect(record.body).toMatchObject({ api: 'v2', room_id: roomId, admin: inject('synapse').adminUserId, flags: { purge: true } });
    const before = await onSynapse('GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`);
    expect(before.status).toBe(200);

    expect(await forgetDeleteTask(runningBehaviour(inject('synapse')).deleteTasks.store, deleteId)).toBe(1);
    expect((await onSynapse('GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`)).status).toBe(404);
    expect((await onSynapse('GET', `/_synapse/admin/v2/rooms/${encodeURIComponent(roomId)}/delete_status`)).status).toBe(404);

    const byId = await viaFacade('GET', `/_synapse/admin/v2/rooms/delete_status/${deleteId}`);
    expect(byId.status).toBe(200);
    expect(byId.headers['x-facade-source']).toBe('store');
    // The store knows the room even where the release left room_id out of its own answer.
    const recorded = deleteTask(before.body, { deleteId, roomId });
    expect(byId.body).toStrictEqual(recorded);
    const byRoom = await viaFacade('GET', `/_synapse/admin/v2/rooms/${encodeURIComponent(roomId)}/delete_status`);
    expect(byRoom).toMatchObject({ status: 200, body: { results: [recorded] } });
    expect(byRoom.headers['x-facade-source']).toBe('store');
  });
});

describe('e2e store: a bulk delete job', () => {
  it('dry run, confirmed run of three rooms, each followed to complete; one audit row per room and one for the job', async () => {
    const rooms = [await freshRoom(), await freshRoom(), await freshRoom()];
    const request = { action: 'delete', rooms, options: { purge: true }, pace_ms: 100 };
    const plan = await viaFacade('POST', '/_facade/v1/jobs', request);
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({ dry_run: true, action: 'delete', count: 3, sample: rooms, duplicates_removed: 0 });
    // A dry run sends nothing: the rooms are still there.
    for (const roomId of rooms) expect((await onSynapse('GET', `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}`)).status).toBe(200);
    // A changed list needs a new dry run.
    const changed = await viaFacade('POST', '/_facade/v1/jobs', { ...request, rooms: rooms.slice(0, 2), dry_run: false, confirm: plan.body.confirm });
    expect(changed.status).toBe(409);

    const started = await viaFacade('POST', '/_facade/v1/jobs', { ...request, dry_run: false, confirm: plan.body.confirm });
    expect(started.status).toBe(202);
    const jobId = started.body.job_id as string;
    const job = await until(() => viaFacade('GET', `/_facade/v1/jobs/${jobId}`), (answer) => (answer.body as Json).state === 'finished');
    expect(job.body).toMatchObject({ state: 'finished', room_count: 3, counts: { done: 3, failed: 0 }, admin: inject('synapse').adminUserId });
    const children = job.body.children as Array<{ room_id: string; delete_id: string; state: string }>;
    expect(children.map((child) => child.room_id)).toEqual(rooms);
    for (const child of children) {
      expect(child.state).toBe('done');
      const status = await onSynapse('GET', `/_synapse/admin/v2/rooms/delete_status/${child.delete_id}`);
      const ids = taskIds(runningBehaviour(inject('synapse')).deleteTasks, 'byId', { deleteId: child.delete_id, roomId: child.room_id });
      expect(status.body).toMatchObject({ status: 'complete', ...ids.synapse });
      expect((await onSynapse('GET', `/_synapse/admin/v1/rooms/${encodeURIComponent(child.room_id)}`)).status).toBe(404);
    }

    const audit = await viaFacade('GET', `/_facade/v1/audit?action=room.delete&limit=100`);
    const rows = (audit.body.entries as Array<{ kind: string; room_id: string; admin: string; details: Json }>).filter((row) => row.details.job_id === jobId);
    expect(rows.map((row) => row.room_id).sort()).toEqual([...rooms].sort());
    for (const row of rows) expect(row).toMatchObject({ kind: 'job', admin: inject('synapse').adminUserId });
    const created = await viaFacade('GET', `/_facade/v1/audit?action=job.create`);
    expect((created.body.entries as Array<{ details: Json }>).some((row) => row.details.job_id === jobId)).toBe(true);
    expect(JSON.stringify(audit.body)).not.toContain(inject('synapse').adminToken);
  });
});

