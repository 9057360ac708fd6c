// Identical concurrent GETs share one upstream request (one client's abort fails no other), and at most
// N requests go to Synapse at once; the rest queue in order, then get a clear 503.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { replyJson, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { bearer, FAKE_UPSTREAM, startTestFacade, type TestFacade } from '../support/facade.ts';

const MEMBERS = '/_synapse/admin/v1/rooms/!a:hs/members';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let upstream: FakeUpstream | undefined;
let facade: TestFacade | undefined;

afterEach(async () => {
  await facade?.close();
  await upstream?.close();
});

/** A fake Synapse answering members after `delayMs`. */
async function slowUpstream(delayMs: number) {
  upstream = await startFakeUpstream(async (_seen, response) => {
    await sleep(delayMs);
    if (!response.destroyed) replyJson(response, 200, { members: ['@a:hs'], total: 1 });
  });
  return upstream;
}

describe('coalescing', () => {
  it('100 concurrent identical GETs make one upstream request', async () => {
    const fake = await slowUpstream(200);
    facade = await startTestFacade(fake.url, FAKE_UPSTREAM);
    const answers = await Promise.all(Array.from({ length: 100 }, () => fetch(`${facade!.url}${MEMBERS}`, { headers: bearer('t') })));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('one client aborting does not fail the others sharing its request', async () => {
    const fake = await slowUpstream(300);
    facade = await startTestFacade(fake.url, FAKE_UPSTREAM);
    const { hostname, port } = new URL(facade.url);
    const leaver = connect(Number(port), hostname, () => leaver.write(`GET ${MEMBERS} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n`));
    await sleep(50);
    const stayer = fetch(`${facade.url}${MEMBERS}`, { headers: bearer('t') });
    await sleep(50);
    leaver.destroy();
    const answer = await stayer;
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ members: ['@a:hs'], total: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it('without the admin gate, different tokens never share a request', async () => {
    const fake = await slowUpstream(100);
    facade = await startTestFacade(fake.url, FAKE_UPSTREAM);
    await Promise.all(['a', 'b'].map((token) => fetch(`${facade!.url}${MEMBERS}`, { headers: bearer(token) })));
    expect(fake.requests).toHaveLength(2);
  });
});

describe('bounded fan-out', () => {
  it('never has more than N requests at Synapse; the rest wait in order and all complete', async () => {
    let inFlight = 0;
    let peak = 0;
    const order: string[] = [];
    upstream = await startFakeUpstream(async (seen, response) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      order.push(seen.url);
      await sleep(50);
      inFlight -= 1;
      replyJson(response, 200, { members: [], total: 0 });
    });
    facade = await startTestFacade(upstream.url, { ...FAKE_UPSTREAM, upstreamMaxConcurrency: 3 });
    const rooms = Array.from({ length: 12 }, (_unused, index) => `/_synapse/admin/v1/rooms/!r${index}:hs/members`);
    const answers = await Promise.all(rooms.map((path) => fetch(`${facade!.url}${path}`, { headers: bearer('t') })));
    expect(answers.map((answer) => answer.status)).toEqual(rooms.map(() => 200));
    expect(peak).toBe(3);
    expect(order).toHaveLength(12);
  });

  it('a request that waits longer than the queue timeout gets a 503 Matrix error', async () => {
    const fake = await slowUpstream(800);
    facade = await startTestFacade(fake.url, { ...FAKE_UPSTREAM, upstreamMaxConcurrency: 1, upstreamQueueTimeoutMs: 100 });
    const first = fetch(`${facade.url}/_synapse/admin/v1/rooms/!one:hs/members`, { headers: bearer('t') });
    await sleep(20);
    const second = await fetch(`${facade.url}/_synapse/admin/v1/rooms/!two:hs/members`, { headers: bearer('t') });
    expect(second.status).toBe(503);
    expect(second.headers.get('access-control-allow-origin')).toBe('*');
    expect(await second.json()).toEqual({
      errcode: 'M_UNKNOWN',
      error: 'The admin facade is busy: no connection to Synapse became free within 100 ms',
    });
    expect((await first).status).toBe(200);
    expect(fake.requests).toHaveLength(1);
  });
});
