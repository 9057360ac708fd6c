// GET /_facade/v1/audit: filters, keyset pages that neither repeat nor skip while rows arrive, a cursor bound
// to its filters, NDJSON streaming every row, admin-only by positive proof, and 503 without the store.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN, startMockSynapse, type MockSynapse } from '../../src/mock/server.ts';
import { replyJson, startFakeUpstream } from '../support/fake-upstream.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { auditPage, row, send, type Entry } from './support.ts';

const T0 = Date.parse('2025-03-01T12:00:00Z');
let mock: MockSynapse;
let facade: TestFacade;

beforeAll(async () => {
  mock = await startMockSynapse();
});
afterAll(() => mock.close());
beforeEach(async () => {
  facade = await startTestFacade(mock.url);
});
afterEach(() => facade.close());

const append = (...rows: ReturnType<typeof row>[]) => Promise.all(rows.map((entry) => facade.context.store.appendAudit(entry)));

/** Follows next_cursor to the end; `between` runs after each page (to write rows meanwhile). */
async function allPages(query: Record<string, string>, between: () => Promise<unknown> = async () => {}): Promise<Entry[]> {
  const seen: Entry[] = [];
  let cursor: string | undefined;
  do {
    const page = await auditPage(facade, { ...query, ...(cursor ? { cursor } : {}) });
    seen.push(...page.entries);
    cursor = page.next_cursor;
    await between();
  } while (cursor);
  return seen;
}

describe('filters', () => {
  beforeEach(() =>
    append(
      row(T0, { action: 'room.block', roomId: '!a:hs', admin: '@one:hs' }),
      row(T0 + 1_000, { action: 'room.delete', roomId: '!a:hs', admin: '@two:hs' }),
      row(T0 + 2_000, { action: 'room.block', roomId: '!b:hs', admin: '@two:hs' }),
      row(T0 + 3_000, { kind: 'login', action: 'login', roomId: null, admin: '@three:hs' }),
    ),
  );

  it('room_id, admin and action combine with AND; newest first', async () => {
    const ats = async (query: Record<string, string>) => (await auditPage(facade, query)).entries.map((entry) => entry.at_ms);
    expect(await ats({})).toEqual([T0 + 3_000, T0 + 2_000, T0 + 1_000, T0]);
    expect(await ats({ room_id: '!a:hs' })).toEqual([T0 + 1_000, T0]);
    expect(await ats({ admin: '@two:hs' })).toEqual([T0 + 2_000, T0 + 1_000]);
    expect(await ats({ action: 'room.block', admin: '@two:hs' })).toEqual([T0 + 2_000]);
    expect(await ats({ action: 'login' })).toEqual([T0 + 3_000]);
  });

  it('since and until are inclusive, as ISO 8601 date-times or integer milliseconds', async () => {
    const ats = async (query: Record<string, string>) => (await auditPage(facade, query)).entries.map((entry) => entry.at_ms);
    expect(await ats({ since: new Date(T0 + 1_000).toISOString(), until: String(T0 + 2_000) })).toEqual([T0 + 2_000, T0 + 1_000]);
    expect(await ats({ since: '2025-03-01T13:00:02+01:00' })).toEqual([T0 + 3_000, T0 + 2_000]);
  });

  it('an entry has every documented field', async () => {
    const [entry] = (await auditPage(facade, { action: 'login' })).entries;
    expect(entry).toEqual({
      id: expect.stringMatching(/^\d+$/),
      at: new Date(T0 + 3_000).toISOString(),
      at_ms: T0 + 3_000,
      kind: 'login',
      action: 'login',
      method: 'PUT',
      path: '/_synapse/admin/v1/rooms/!r:hs/block',
      room_id: null,
      admin: '@three:hs',
      status: 200,
      duration_ms: 3,
      request_id: null,
      details: {},
    });
  });

  it.each([
    ['limit', '0'],
    ['limit', '1001'],
    ['limit', 'ten'],
    ['since', 'yesterday'],
    ['until', '2025-03-01T12:00:00'],
    ['since', '2025-02-30T00:00:00Z'],
    ['format', 'csv'],
  ])('%s=%s is refused with 400 M_INVALID_PARAM', async (name, value) => {
    const answer = await send(facade, 'GET', `/_facade/v1/audit?${name}=${value}`);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ errcode: 'M_INVALID_PARAM', error: expect.stringContaining(`'${name}'`) });
  });
});

describe('keyset pages', () => {
  it('no row is repeated or skipped while new rows arrive between pages (ties on `at` included)', async () => {
    // 45 rows over 15 distinct times: three rows share each millisecond.
    await append(...Array.from({ length: 45 }, (_, index) => row(T0 + Math.floor(index / 3), { details: { n: index } })));
    let late = 0;
    const seen = await allPages({ limit: '7' }, () => append(row(T0 + 10_000 + late++, { details: { late: true } })));
    const numbers = seen.map((entry) => entry.details.n);
    expect(numbers).not.toContain(undefined);
    expect(new Set(numbers).size).toBe(45);
    expect(seen).toHaveLength(45);
    // Newest first throughout.
    const positions = seen.map((entry) => [entry.at_ms as number, BigInt(entry.id)] as const);
    for (let index = 1; index < positions.length; index++) {
      const [at, id] = positions[index]!;
      const [previousAt, previousId] = positions[index - 1]!;
      expect(at < previousAt || (at === previousAt && id < previousId)).toBe(true);
    }
  });

  it('next_cursor is absent on the last page, and on a page that is exactly the last rows', async () => {
    await append(row(T0), row(T0 + 1), row(T0 + 2), row(T0 + 3));
    const first = await auditPage(facade, { limit: '2' });
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await auditPage(facade, { limit: '2', cursor: first.next_cursor! });
    expect(second.entries.map((entry) => entry.at_ms)).toEqual([T0 + 1, T0]);
    expect(second).not.toHaveProperty('next_cursor');
  });

  it('a cursor sent with other filters is refused', async () => {
    await append(row(T0, { action: 'room.block' }), row(T0 + 1, { action: 'room.block' }));
    const { next_cursor: cursor } = await auditPage(facade, { action: 'room.block', limit: '1' });
    const others: Record<string, string>[] = [{ action: 'room.delete' }, {}, { action: 'room.block', since: String(T0) }];
    for (const other of others) {
      const answer = await send(facade, 'GET', `/_facade/v1/audit?${new URLSearchParams({ ...other, cursor: cursor! })}`);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ errcode: 'M_INVALID_PARAM', error: expect.stringContaining('other filters') });
    }
    // The page size may change along the way.
    expect((await auditPage(facade, { action: 'room.block', limit: '5', cursor: cursor! })).entries).toHaveLength(1);
  });

  it.each(['garbage', Buffer.from('[1,"x","d"]').toString('base64url'), Buffer.from('[1,"99999999999999999999","d"]').toString('base64url')])(
    'a cursor that is not one of ours (%s) is a 400, never a store error',
    async (cursor) => {
      const answer = await send(facade, 'GET', `/_facade/v1/audit?cursor=${cursor}`);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ errcode: 'M_INVALID_PARAM' });
    },
  );
});

describe('format=ndjson', () => {
  it('streams every matching row, newest first, one JSON per line, ignoring limit', async () => {
    const count = 1_203;
    await append(...Array.from({ length: count }, (_, index) => row(T0 + index, { action: index % 2 === 0 ? 'room.block' : 'room.unblock' })));
    const answer = await send(facade, 'GET', '/_facade/v1/audit?format=ndjson&limit=1');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/x-ndjson');
    expect(answer.text.endsWith('\n')).toBe(true);
    const lines = answer.text.trimEnd().split('\n').map((line) => JSON.parse(line) as Entry);
    expect(lines).toHaveLength(count);
    expect(lines[0]!.at_ms).toBe(T0 + count - 1);
    expect(lines.at(-1)!.at_ms).toBe(T0);
    const blocks = (await send(facade, 'GET', '/_facade/v1/audit?format=ndjson&action=room.block')).text.trimEnd().split('\n');
    expect(blocks).toHaveLength(602);
  });

  it('an empty listing is an empty body', async () => {
    const answer = await send(facade, 'GET', '/_facade/v1/audit?format=ndjson');
    expect(answer).toMatchObject({ status: 200, text: '' });
  });
});

describe('a store failing mid-stream (checked after the export showed the adapter could append an error text)', () => {
  it('cuts the NDJSON download: no clean end, no database error text', async () => {
    await append(...Array.from({ length: 1_200 }, (_, index) => row(T0 + index)));
    const listAudit = facade.context.store.listAudit;
    let reads = 0;
    facade.context.store.listAudit = (query) => {
      reads += 1;
      // The failure comes once the head and the first page are on their way.
      if (reads === 1) return listAudit(query);
      return new Promise((_, reject) => setTimeout(() => reject(new Error('SQLITE_IOERR: disk I/O error')), 200));
    };
    let received = '';
    const outcome = await (async () => {
      try {
        const response = await fetch(`${facade.url}/_facade/v1/audit?format=ndjson`, { headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` } });
        for await (const chunk of response.body!) received += Buffer.from(chunk).toString('utf8');
        return 'ended';
      } catch {
        return 'cut';
      }
    })();
    expect(reads).toBe(2);
    expect(outcome).toBe('cut');
    expect(received).not.toMatch(/SQLITE|Error/);
    expect(received.trimEnd().split('\n')).toHaveLength(500);
  });
});

describe('admin only', () => {
  it('no token → 401, a non-admin → 403', async () => {
    expect((await send(facade, 'GET', '/_facade/v1/audit', undefined, null)).json).toMatchObject({ errcode: 'M_MISSING_TOKEN' });
    const refused = await send(facade, 'GET', '/_facade/v1/audit', undefined, DEFAULT_USER_TOKEN);
    expect(refused.status).toBe(403);
    expect(refused.json).toMatchObject({ errcode: 'M_FORBIDDEN' });
  });

  it.each([500, 404])('positive proof only: whoami 200 but the admin flag %i gives no access', async (flagStatus) => {
    const synapse = await startFakeUpstream((request, response) => {
      if (request.url.startsWith('/_matrix/client/v3/account/whoami')) return replyJson(response, 200, { user_id: '@mallory:hs' });
      replyJson(response, flagStatus, { errcode: 'M_UNKNOWN', error: 'nope' });
    });
    const exposed = await startTestFacade(synapse.url);
    try {
      await exposed.context.store.appendAudit(row(T0));
      const answer = await send(exposed, 'GET', '/_facade/v1/audit', undefined, 'mallory-token');
      expect(answer.status).not.toBe(200);
      expect(answer.json).not.toHaveProperty('entries');
      expect(answer.text).not.toContain('@admin:mock.example');
    } finally {
      await exposed.close();
      await synapse.close();
    }
  });
});

describe('store unavailable', () => {
  it('answers 503 M_UNKNOWN, JSON and NDJSON alike', async () => {
    await facade.context.store.close();
    for (const query of ['', '?format=ndjson']) {
      const answer = await send(facade, 'GET', `/_facade/v1/audit${query}`);
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual({ errcode: 'M_UNKNOWN', error: 'The facade store is unavailable' });
    }
  });
});

describe('NDJSON backpressure', () => {
  it('a client that stops reading stops the store reads: one page at a time, not the whole trail', async () => {
    const padding = 'p'.repeat(4_000);
    const rows = 10_000;
    await append(...Array.from({ length: rows }, (_, index) => row(T0 + index, { details: { padding } })));
    let reads = 0;
    const listAudit = facade.context.store.listAudit;
    facade.context.store.listAudit = (query) => {
      reads += 1;
      return listAudit(query);
    };
    const { request } = await import('node:http');
    const response = await new Promise<import('node:http').IncomingMessage>((resolve) =>
      request(`${facade.url}/_facade/v1/audit?format=ndjson`, { headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` } }, resolve).end(),
    );
    response.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const whilePaused = reads;
    // 20 pages of ~2 MB each: the socket buffers hold one or two.
    expect(whilePaused).toBeLessThan(10);
    let lines = 0;
    response.on('data', (chunk: Buffer) => (lines += chunk.toString('latin1').split('\n').length - 1));
    response.resume();
    await new Promise((resolve) => response.once('end', resolve));
    expect(lines).toBe(rows);
    expect(reads).toBe(rows / 500 + 1);
  });
});
