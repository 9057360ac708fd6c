// A real, slow v2 delete watched through the facade: every status the facade reports is the normalised form of
// the very answer Synapse gave it (a recording relay sits between them), and each running status the release
// shows (test/e2e/support/versions.ts: shutting_down and purging before 1.93, active after) is seen and is `active`.
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readRegistrationSharedSecret } from '../../scripts/synapse/config.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { admin, dispatch, seg } from './support/compare.ts';
import { deleteTask, type Json } from './support/expected.ts';
import { runningBehaviour, taskIds } from './support/versions.ts';

/** Members moved to a new room one by one make the shutdown last seconds; the purge after it lasts some 30 ms. */
const MEMBERS = 8;
/** A purge that short can fall between two reads: the whole delete is watched again, at most this often. */
const ATTEMPTS = 3;

/** One delete-status answer Synapse sent the facade, with when it was asked for. */
interface Relayed {
  askedAt: number;
  answeredAt: number;
  body: Json;
}

let relay: FakeUpstream;
let facade: TestFacade;
const relayed: Relayed[] = [];
const synapse = () => inject('synapse');

beforeAll(async () => {
  // The relay forwards everything to Synapse unchanged and keeps the delete-status answers it passed on.
  relay = await startFakeUpstream(async (request, response) => {
    const askedAt = performance.now();
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
    const answer = await dispatch(synapse().baseUrl, { method: request.method, target: request.url, headers, body: request.body || undefined });
    if (request.url.includes('/delete_status/') && answer.status === 200) relayed.push({ askedAt, answeredAt: performance.now(), body: answer.body });
    const text = JSON.stringify(answer.body);
    response.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  });
  facade = await startTestFacade(relay.url);
});
afterAll(async () => {
  await facade?.close();
  await relay?.close();
});

async function onSynapse(method: string, path: string, token: string, body?: unknown): Promise<Json> {
  const answer = await dispatch(synapse().baseUrl, {
    method, target: path, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(200);
  return answer.body;
}

/** A room of the ordinary user with MEMBERS fresh local users joined. */
async function crowdedRoom(): Promise<string> {
  const roomId = (await onSynapse('POST', '/_matrix/client/v3/createRoom', synapse().userToken, { preset: 'public_chat' })).room_id as string;
  const secret = await readRegistrationSharedSecret();
  for (let index = 0; index < MEMBERS; index += 1) {
    const username = `crowd${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    const { nonce } = await onSynapse('GET', '/_synapse/admin/v1/register', synapse().adminToken);
    const mac = createHmac('sha1', secret).update(`${String(nonce)}\0${username}\0${password}\0notadmin`).digest('hex');
    const registered = await onSynapse('POST', '/_synapse/admin/v1/register', synapse().adminToken, { nonce, username, password, admin: false, mac });
    await onSynapse('POST', `/_matrix/client/v3/join/${seg(roomId)}`, registered.access_token as string, {});
  }
  return roomId;
}

/** One facade read with the answer Synapse gave it: the only one relayed while that read was under way. */
async function readThrough(deleteId: string): Promise<{ facade: Json; synapse: Json | undefined }> {
  const before = performance.now();
  const answer = await dispatch(facade.url, {
    method: 'GET', target: admin(`/v2/rooms/delete_status/${deleteId}`), headers: { authorization: `Bearer ${synapse().adminToken}` },
  });
  const after = performance.now();
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const during = relayed.filter((entry) => entry.askedAt >= before && entry.answeredAt <= after);
  return { facade: answer.body, synapse: during.length === 1 ? during[0]!.body : undefined };
}

/** Starts a v2 delete moving the members to a new room and reads its status through the facade until it ends. */
async function watchDelete(roomId: string): Promise<{ deleteId: string; seen: Set<string>; last: Json }> {
  const started = await dispatch(facade.url, {
    method: 'DELETE', target: admin(`/v2/rooms/${seg(roomId)}`),
    headers: { authorization: `Bearer ${synapse().adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ new_room_user_id: synapse().adminUserId, purge: true }),
  });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const deleteId = started.body.delete_id as string;
  const { deleteTasks } = runningBehaviour(synapse());
  const ids = taskIds(deleteTasks, 'byId', { deleteId, roomId });
  const seen = new Set<string>();
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const read = await readThrough(deleteId);
    if (read.synapse === undefined) continue;
    // Synapse's own answer carries exactly the keys the table names, the facade's all four.
    expect(Object.keys(read.synapse).sort()).toEqual(expect.arrayContaining([...Object.keys(ids.synapse), 'shutdown_room', 'status'].sort()));
    expect(read.facade).toStrictEqual(deleteTask(read.synapse, { deleteId }));
    expect(read.facade).toMatchObject(ids.facade);
    const status = read.synapse.status as string;
    seen.add(status);
    if (deleteTasks.running.includes(status)) expect(read.facade.status, `Synapse said ${status}`).toBe('active');
    else if (status === 'complete' || status === 'failed') return { deleteId, seen, last: read.facade };
    else throw new Error(`status ${status} is not in the table for Synapse ${synapse().version}`);
  }
  throw new Error(`delete ${deleteId} did not end within 60 s`);
}

describe('delete statuses of the running release, through the facade', () => {
  it('a slow v2 delete: each running status Synapse shows is reported as active, then complete', async () => {
    const { seenWhileSlow } = runningBehaviour(synapse()).deleteTasks;
    const seen = new Set<string>();
    for (let attempt = 1; attempt <= ATTEMPTS && !seenWhileSlow.every((status) => seen.has(status)); attempt += 1) {
      const watched = await watchDelete(await crowdedRoom());
      for (const status of watched.seen) seen.add(status);
      expect(watched.last.status, JSON.stringify(watched.last)).toBe('complete');
    }
    expect([...seen].filter((status) => seenWhileSlow.includes(status)).sort()).toEqual([...seenWhileSlow].sort());
  });
});
