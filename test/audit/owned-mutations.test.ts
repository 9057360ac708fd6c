// One audit row per owned mutation through the facade, read back through GET /_facade/v1/audit: the action,
// room, verified admin, status the client got, its X-Request-Id and the body flags.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIG_ROOM_ID, EMPTY_ROOM_ID, FAILING_DESTINATION, LOCAL_ONLY_ROOM_ID, REMOTE_ONLY_ROOM_ID, SPACE_ROOM_ID } from '../../src/mock/fixtures.ts';
import { DEFAULT_ADMIN_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { auditPage, send, type Entry } from './support.ts';

const enc = encodeURIComponent;
let mock: MockSynapse;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse({ deleteTaskTiming: { scheduledMs: 20, activeMs: 40 } });
});
afterAll(() => mock.close());
beforeEach(async () => {
  facade = await startTestFacade(mock.url);
});
afterEach(() => facade.close());

/** Sends a mutation and answers its status, X-Request-Id and the one audit row it left. */
async function mutate(method: string, path: string, body?: unknown): Promise<{ status: number; requestId: string; entry: Entry; json: Record<string, unknown> }> {
  const answer = await send(facade, method, path, body);
  const requestId = answer.headers.get('x-request-id')!;
  const { entries } = await auditPage(facade);
  const mine = entries.filter((entry) => entry.request_id === requestId);
  expect(mine).toHaveLength(1);
  return { status: answer.status, requestId, entry: mine[0]!, json: answer.json };
}

describe('owned mutations', () => {
  it('room.block and room.unblock: room, admin user ID, status, request id and the block flag', async () => {
    const blocked = await mutate('PUT', `/_synapse/admin/v1/rooms/${enc(SPACE_ROOM_ID)}/block`, { block: true });
    expect(blocked.status).toBe(200);
    expect(blocked.entry).toMatchObject({
      kind: 'owned',
      action: 'room.block',
      method: 'PUT',
      path: `/_synapse/admin/v1/rooms/${SPACE_ROOM_ID}/block`,
      room_id: SPACE_ROOM_ID,
      admin: '@admin:mock.example',
      status: 200,
      request_id: blocked.requestId,
      details: { body: { block: true }, upstream_status: 200 },
    });
    expect(typeof blocked.entry.duration_ms).toBe('number');
    expect(new Date(blocked.entry.at as string).getTime()).toBe(blocked.entry.at_ms);
    const unblocked = await mutate('PUT', `/_synapse/admin/v1/rooms/${enc(SPACE_ROOM_ID)}/block`, { block: false });
    expect(unblocked.entry).toMatchObject({ action: 'room.unblock', room_id: SPACE_ROOM_ID, status: 200, details: { body: { block: false } } });
  });

  it('room.delete v1: api v1, its flags and the delete id the facade gave it', async () => {
    const { entry, status } = await mutate('DELETE', `/_synapse/admin/v1/rooms/${enc(LOCAL_ONLY_ROOM_ID)}`, { block: false, purge: true });
    expect(status).toBe(200);
    expect(entry).toMatchObject({ action: 'room.delete', room_id: LOCAL_ONLY_ROOM_ID, admin: '@admin:mock.example', status: 200 });
    expect(entry.details).toMatchObject({ api: 'v1', body: { block: false, purge: true }, upstream_status: 200 });
    expect(entry.details.delete_id).toEqual(expect.any(String));
  });

  it("room.delete v2: api v2 and Synapse's delete_id", async () => {
    const { entry, json } = await mutate('DELETE', `/_synapse/admin/v2/rooms/${enc(EMPTY_ROOM_ID)}`, { purge: true, block: true });
    expect(entry).toMatchObject({ action: 'room.delete', room_id: EMPTY_ROOM_ID, status: 200 });
    expect(entry.details).toMatchObject({ api: 'v2', body: { purge: true, block: true }, delete_id: json.delete_id });
  });

  it('room.make_admin and room.forward_extremities.delete', async () => {
    const made = await mutate('POST', `/_synapse/admin/v1/rooms/${enc(BIG_ROOM_ID)}/make_room_admin`, { user_id: '@alice:mock.example' });
    expect(made.entry).toMatchObject({ action: 'room.make_admin', room_id: BIG_ROOM_ID, status: 200, details: { body: { user_id: '@alice:mock.example' } } });
    const trimmed = await mutate('DELETE', `/_synapse/admin/v1/rooms/${enc(BIG_ROOM_ID)}/forward_extremities`);
    expect(trimmed.entry).toMatchObject({ action: 'room.forward_extremities.delete', room_id: BIG_ROOM_ID, status: 200, admin: '@admin:mock.example' });
  });

  it('destination.reset_connection: no room, the destination in details', async () => {
    const { entry } = await mutate('POST', `/_synapse/admin/v1/federation/destinations/${enc(FAILING_DESTINATION)}/reset_connection`, {});
    expect(entry).toMatchObject({ action: 'destination.reset_connection', room_id: null, status: 200, details: { destination: FAILING_DESTINATION } });
  });

  it("Synapse's refusal is recorded with the status the client got", async () => {
    const { entry, status } = await mutate('POST', `/_synapse/admin/v1/rooms/${enc(REMOTE_ONLY_ROOM_ID)}/make_room_admin`, {});
    expect(status).toBe(400);
    expect(entry).toMatchObject({ action: 'room.make_admin', room_id: REMOTE_ONLY_ROOM_ID, status: 400, details: { upstream_status: 400 } });
  });

  it('no row holds the admin token', async () => {
    await mutate('PUT', `/_synapse/admin/v1/rooms/${enc(SPACE_ROOM_ID)}/block`, { block: true });
    const rows = await facade.context.store.listAudit({ limit: 1000 });
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(DEFAULT_ADMIN_TOKEN);
  });
});
