// Issue 14 through real sockets: a write through the facade is visible to every read after it. The facade
// (cache on) talks to the mock Synapse through a relay that can hold a read, to race reads against writes.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN } from '../../src/mock/constants.ts';
import { BIG_ROOM_ID, EMPTY_ROOM_ID, FAILING_DESTINATION, SPACE_ROOM_ID, TOMBSTONED_ROOM_ID } from '../../src/mock/fixtures.ts';
import { startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { DeleteProgress } from '../../src/protection/delete-progress.ts';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { getAs, readAnswer } from '../routes/support.ts';

const enc = encodeURIComponent;
const details = (roomId: string) => `/_synapse/admin/v1/rooms/${enc(roomId)}`;
const LIST = '/_synapse/admin/v1/rooms?limit=5';
const DESTINATION = `/_synapse/admin/v1/federation/destinations/${enc(FAILING_DESTINATION)}`;

let mock: MockSynapse;
let relay: FakeUpstream;
/** Reads whose upstream path contains `match` are held until `released` settles. */
let holding: { match: string; released: Promise<void> } | undefined;

beforeAll(async () => {
  mock = await startMockSynapse();
  relay = await startFakeUpstream(async (request, response) => {
    if (holding && request.method === 'GET' && request.url.includes(holding.match)) await holding.released;
    const answer = await fetch(`${mock.url}${request.url}`, {
      method: request.method,
      headers: request.headers.authorization ? { authorization: request.headers.authorization } : {},
      ...(request.body ? { body: request.body } : {}),
    });
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    response.end(Buffer.from(await answer.arrayBuffer()));
  });
});
afterAll(async () => {
  await relay.close();
  await mock.close();
});

/** A facade over the relay; `settleMs` 0 isolates invalidation and ordering from the settle window. */
function useFacade(settleMs: number): () => TestFacade {
  let facade: TestFacade | undefined;
  beforeAll(async () => {
    facade = await startTestFacade(relay.url, { cacheSettleMs: settleMs });
  });
  afterAll(async () => facade?.close());
  beforeEach(() => {
    holding = undefined;
    relay.requests.length = 0;
  });
  return () => facade!;
}

const cacheOf = async (facade: TestFacade, path: string) => (await getAs(facade.url, path)).headers.get('x-facade-cache');
const writeAs = (facade: TestFacade, method: string, path: string, token = DEFAULT_ADMIN_TOKEN, body = '{}') =>
  fetch(`${facade.url}${path}`, { method, body, headers: { authorization: `Bearer ${token}` } });
/** Reads each path until it is a hit (a fresh admin token's first read goes alone; then it is cached). */
async function warm(facade: TestFacade, ...paths: string[]): Promise<void> {
  for (const path of paths) {
    await getAs(facade.url, path);
    expect(await cacheOf(facade, path), path).toBe('hit');
  }
}

describe('issue 14: each kind of write drops what it can change, and only that', () => {
  const facade = useFacade(0);

  it('a client-API write to a room drops that room and the lists, not other rooms', async () => {
    await warm(facade(), details(BIG_ROOM_ID), details(SPACE_ROOM_ID), LIST, DESTINATION);
    await writeAs(facade(), 'PUT', `/_matrix/client/v3/rooms/${enc(BIG_ROOM_ID)}/state/m.room.name`);
    expect(await cacheOf(facade(), details(BIG_ROOM_ID))).toBe('miss');
    expect(await cacheOf(facade(), LIST)).toBe('miss');
    expect(await cacheOf(facade(), details(SPACE_ROOM_ID))).toBe('hit');
    expect(await cacheOf(facade(), DESTINATION)).toBe('hit');
  });

  it('a write to a room by alias drops every room', async () => {
    await warm(facade(), details(BIG_ROOM_ID), details(SPACE_ROOM_ID));
    await writeAs(facade(), 'POST', `/_matrix/client/v3/join/${enc('#lobby:mock.example')}`);
    expect(await cacheOf(facade(), details(BIG_ROOM_ID))).toBe('miss');
    expect(await cacheOf(facade(), details(SPACE_ROOM_ID))).toBe('miss');
  });

  it('a user admin write (deactivation) drops every room, not destinations', async () => {
    await warm(facade(), details(EMPTY_ROOM_ID), DESTINATION);
    await writeAs(facade(), 'POST', `/_synapse/admin/v1/deactivate/${enc('@nobody:mock.example')}`);
    expect(await cacheOf(facade(), details(EMPTY_ROOM_ID))).toBe('miss');
    expect(await cacheOf(facade(), DESTINATION)).toBe('hit');
  });

  it('an unknown write drops everything', async () => {
    await warm(facade(), details(EMPTY_ROOM_ID), DESTINATION);
    await writeAs(facade(), 'POST', '/_synapse/admin/v1/some_future_api');
    expect(await cacheOf(facade(), details(EMPTY_ROOM_ID))).toBe('miss');
    expect(await cacheOf(facade(), DESTINATION)).toBe('miss');
  });

  it('typing and receipts drop nothing; a write Synapse (401) or the facade refuses drops nothing', async () => {
    await warm(facade(), details(BIG_ROOM_ID));
    await writeAs(facade(), 'PUT', `/_matrix/client/v3/rooms/${enc(BIG_ROOM_ID)}/typing/${enc('@admin:mock.example')}`);
    await writeAs(facade(), 'POST', `/_matrix/client/v3/rooms/${enc(BIG_ROOM_ID)}/receipt/m.read/$e`);
    // A user admin write would drop every room; passed through, Synapse refuses the token.
    const refused = await writeAs(facade(), 'PUT', `/_synapse/admin/v1/users/${enc('@alice:mock.example')}/admin`, 'not-a-token', '{"admin":true}');
    expect(refused.status).toBe(401);
    // An owned mutation whose token the gate refuses is never sent.
    await writeAs(facade(), 'POST', `/_synapse/admin/v1/rooms/${enc(BIG_ROOM_ID)}/make_room_admin`, 'not-a-token');
    expect(await cacheOf(facade(), details(BIG_ROOM_ID))).toBe('hit');
  });

  /** Holds upstream reads of the space room; returns the function that lets them go. */
  const holdSpaceRoom = () => {
    let releaseRead!: () => void;
    holding = { match: 'spaceRoom', released: new Promise<void>((resolve) => (releaseRead = resolve)) };
    return releaseRead;
  };
  const rename = () => writeAs(facade(), 'PUT', `/_matrix/client/v3/rooms/${enc(SPACE_ROOM_ID)}/state/m.room.name`);

  it('a read that started before a write and ends after it is not stored', async () => {
    await rename();
    const releaseRead = holdSpaceRoom();
    const before = getAs(facade().url, details(SPACE_ROOM_ID));
    await sleep(50);
    await rename();
    releaseRead();
    expect((await before).headers.get('x-facade-cache')).toBe('miss');
    holding = undefined;
    expect(await cacheOf(facade(), details(SPACE_ROOM_ID))).toBe('miss');
    expect(await cacheOf(facade(), details(SPACE_ROOM_ID))).toBe('hit');
  });

  it('a read after a write never joins a request that started before it', async () => {
    await rename();
    const releaseRead = holdSpaceRoom();
    relay.requests.length = 0;
    const before = getAs(facade().url, details(SPACE_ROOM_ID));
    await sleep(50);
    await rename();
    const after = getAs(facade().url, details(SPACE_ROOM_ID));
    await sleep(50);
    releaseRead();
    await Promise.all([before, after]);
    expect(relay.requests.filter((request) => request.method === 'GET' && request.url.includes('spaceRoom'))).toHaveLength(2);
  });

  it('block status of a room written through the facade is never cached again', async () => {
    const block = `${details(EMPTY_ROOM_ID)}/block`;
    const untouched = `${details(TOMBSTONED_ROOM_ID)}/block`;
    await warm(facade(), block, untouched);
    await writeAs(facade(), 'PUT', block, DEFAULT_ADMIN_TOKEN, '{"block":true}');
    for (let i = 0; i < 3; i++) expect(await cacheOf(facade(), block)).toBe('bypass');
    expect(await cacheOf(facade(), untouched)).toBe('hit');
  });

  it('a hit says its age in seconds (RFC 9111 Age)', async () => {
    await warm(facade(), DESTINATION);
    await sleep(1_100);
    const hit = await getAs(facade().url, DESTINATION);
    expect(hit.headers.get('x-facade-cache')).toBe('hit');
    expect(Number(hit.headers.get('age'))).toBeGreaterThanOrEqual(1);
    expect((await readAnswer(await fetch(`${facade().url}${DESTINATION}`, { headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`, 'cache-control': 'no-cache' } }))).headers.get('age')).toBeNull();
  });
});

describe('issue 14: what a write touched bypasses the cache for the settle window', () => {
  const facade = useFacade(400);

  it('reads after a write are fresh (bypass) during the window, cached again after it', async () => {
    await warm(facade(), LIST);
    await writeAs(facade(), 'PUT', `/_matrix/client/v3/rooms/${enc(BIG_ROOM_ID)}/state/m.room.name`);
    expect(await cacheOf(facade(), LIST)).toBe('bypass');
    expect(await cacheOf(facade(), LIST)).toBe('bypass');
    await sleep(450);
    expect(await cacheOf(facade(), LIST)).toBe('miss');
    expect(await cacheOf(facade(), LIST)).toBe('hit');
  });
});

describe('issue 14: a delete status never goes backwards', () => {
  const task = (status: string) => Buffer.from(JSON.stringify({ delete_id: 'd1', room_id: '!r:hs', status, shutdown_room: null }));

  it('an older status than one already served is replaced by the newer one', () => {
    const progress = new DeleteProgress();
    expect(progress.apply(task('active')).body.toString()).toContain('"active"');
    expect(JSON.parse(progress.apply(task('scheduled')).body.toString()).status).toBe('active');
    expect(progress.apply(task('complete')).finished).toEqual(['!r:hs']);
    const list = Buffer.from(JSON.stringify({ results: [JSON.parse(task('active').toString())] }));
    expect(JSON.parse(progress.apply(list).body.toString()).results[0].status).toBe('complete');
  });

  it('a first terminal status is reported once, so the room’s cached reads are dropped once', () => {
    const progress = new DeleteProgress();
    expect(progress.apply(task('complete')).finished).toEqual(['!r:hs']);
    expect(progress.apply(task('complete')).finished).toEqual([]);
  });
});
