// Regression tests for issue 10 #3 through real sockets: a 200 that is not JSON, or does not fit the route's
// schema, goes to the one caller it was sent for, exactly as sent; it is never cached or handed to another admin.
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LogBudget } from '../../src/internal/log-budget.ts';
import { startFakeUpstream, type FakeUpstream, type SeenRequest } from '../support/fake-upstream.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';
import { getAs, ROOMS, type Answer } from '../routes/support.ts';

/** A rooms-list path no earlier test has read: nothing cached or in flight for it. */
let pages = 0;
const freshList = () => `${ROOMS}?limit=5&from=${(pages += 1)}`;
const ADMINS: Readonly<Record<string, string>> = { 'admin-a': '@a:hs', 'admin-b': '@b:hs' };
const GOOD_LIST = '{"rooms":[{"room_id":"!a:hs","federatable":1,"public":0}],"offset":0,"total_rooms":1}';

/** How the fake Synapse answers the rooms list. */
type ListAnswer = (response: ServerResponse) => void;
const send = (text: string, contentType = 'application/json', delayMs = 0): ListAnswer => (response) => {
  setTimeout(() => {
    response.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }, delayMs);
};

const GARBAGE: ReadonlyArray<readonly [string, string, string]> = [
  ['not JSON', 'oops, an HTML error page', 'text/html'],
  ['JSON that does not fit', '{"rooms":"not a list","offset":0,"total_rooms":1}', 'application/json'],
  ['truncated JSON', '{"rooms":[{"room_id":"!a:hs","federatable":1', 'application/json'],
];

let upstream: FakeUpstream;
let facade: TestFacade;
let listAnswer: ListAnswer = send(GOOD_LIST);

/** Synapse with two admins (whoami and the admin flag by token) and a rooms list answered by `listAnswer`. */
function fakeSynapse(request: SeenRequest, response: ServerResponse): void {
  const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
  if (request.url.startsWith('/_matrix/client/v3/account/whoami')) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ user_id: ADMINS[token] }));
  } else if (/^\/_synapse\/admin\/v1\/users\/[^/]+\/admin$/.test(request.url)) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"admin":true}');
  } else {
    listAnswer(response);
  }
}

/** GETs `path` as `token`; the body as text only, since garbage may not parse. */
async function getRaw(path: string, token: string): Promise<Omit<Answer, 'body'>> {
  const response = await fetch(`${facade.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** Requests for the rooms list that reached Synapse (the gate's own lookups left out). */
const listRequests = () => upstream.requests.filter((request) => request.url.startsWith(`${ROOMS}?`)).length;
const mismatchLines = () => facade.logLines.filter((line) => line.includes('did not fit its schema'));

beforeAll(async () => {
  upstream = await startFakeUpstream(fakeSynapse);
  facade = await startTestFacade(upstream.url, { cacheSettleMs: 0 });
  // Both tokens are verified admins before any garbage arrives: Synapse's fitting 200 proves each.
  for (const token of Object.keys(ADMINS)) expect((await getAs(facade.url, `${ROOMS}?limit=1`, token)).status).toBe(200);
});
afterAll(async () => {
  await facade.close();
  await upstream.close();
});
beforeEach(() => {
  upstream.requests.length = 0;
  facade.logLines.length = 0;
});

describe('issue 10 #3: garbage cached', () => {
  it.each(GARBAGE)('%s: each admin gets it as sent, from Synapse each time, never from the cache', async (_kind, text, contentType) => {
    listAnswer = send(text, contentType);
    const before = facade.context.schemaMismatches.get('GET /v1/rooms') ?? 0;
    const list = freshList();
    const answers = [await getRaw(list, 'admin-a'), await getRaw(list, 'admin-b'), await getRaw(list, 'admin-a')];
    expect(answers.map(({ status, text: body }) => [status, body])).toEqual(answers.map(() => [200, text]));
    expect(answers.map(({ headers }) => headers.get('x-facade-cache'))).toEqual(['miss', 'miss', 'miss']);
    expect(answers[0]!.headers.get('content-type')).toBe(contentType);
    expect(listRequests()).toBe(3);
    expect(facade.context.schemaMismatches.get('GET /v1/rooms')).toBe(before + 3);
    // Each one logged, not only the first: these nine lines are the first of the route's budget of ten.
    expect(mismatchLines()).toHaveLength(3);
  });

  it.each(GARBAGE)('%s: concurrent callers never share it; each one is sent to Synapse', async (_kind, text, contentType) => {
    // The same three callers at once share one request when the answer fits: the test can see sharing.
    listAnswer = send(GOOD_LIST, 'application/json', 150);
    const sharedList = freshList();
    const shared = await Promise.all(['admin-a', 'admin-b', 'admin-a'].map((token) => getAs(facade.url, sharedList, token)));
    expect(shared.map(({ status }) => status)).toEqual([200, 200, 200]);
    expect(listRequests()).toBe(1);

    upstream.requests.length = 0;
    listAnswer = send(text, contentType, 150);
    const list = freshList();
    const answers = await Promise.all(['admin-a', 'admin-b', 'admin-a'].map((token) => getRaw(list, token)));
    expect(answers.map(({ status, text: body }) => [status, body])).toEqual(answers.map(() => [200, text]));
    expect(listRequests()).toBe(3);
    expect((await getRaw(list, 'admin-b')).headers.get('x-facade-cache')).toBe('miss');
  });

  it('a fitting answer after garbage is cached as usual: the garbage left nothing behind', async () => {
    const list = freshList();
    listAnswer = send('{"rooms":7}');
    await getAs(facade.url, list, 'admin-a');
    listAnswer = send(GOOD_LIST);
    const fresh = await getAs(facade.url, list, 'admin-b');
    expect([fresh.headers.get('x-facade-cache'), fresh.body.rooms]).toEqual(['miss', [expect.objectContaining({ federatable: true })]]);
    expect((await getAs(facade.url, list, 'admin-a')).headers.get('x-facade-cache')).toBe('hit');
  });

  it('an answer cut off mid-body is a 502 for each caller and is never cached', async () => {
    listAnswer = (response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '400' });
      response.write('{"rooms":[');
      setTimeout(() => response.destroy(), 20);
    };
    const list = freshList();
    const answers = [await getAs(facade.url, list, 'admin-a'), await getAs(facade.url, list, 'admin-b')];
    expect(answers.map(({ status, body }) => [status, body.errcode])).toEqual([
      [502, 'M_UNKNOWN'],
      [502, 'M_UNKNOWN'],
    ]);
    expect(listRequests()).toBe(2);
  });

  it('a Synapse that keeps sending garbage is counted every time, logged within a bounded budget', async () => {
    // Room details: a route whose log budget no earlier test has spent.
    listAnswer = send('[]');
    for (let index = 0; index < 30; index += 1) await getRaw(`${ROOMS}/!r${index}:hs`, 'admin-a');
    expect(facade.context.schemaMismatches.get('GET /v1/rooms/{room_id}')).toBe(30);
    expect(mismatchLines().length).toBeGreaterThan(0);
    expect(mismatchLines().length).toBeLessThanOrEqual(10);
    for (const line of mismatchLines()) expect(line).not.toContain('admin-a');
  });

  it('the log budget: a burst, then one line per interval saying how many were held back', () => {
    let now = 0;
    const budget = new LogBudget({ burst: 2, intervalMs: 1_000, now: () => now });
    const decisions = () => Array.from({ length: 4 }, () => budget.take('route'));
    expect(decisions()).toEqual([{ write: true, suppressed: 0 }, { write: true, suppressed: 0 }, { write: false }, { write: false }]);
    now = 1_000;
    expect(decisions()).toEqual([{ write: true, suppressed: 2 }, { write: false }, { write: false }, { write: false }]);
    expect(budget.take('another route')).toEqual({ write: true, suppressed: 0 });
  });
});
