// Per-connection flow control (issue 10 #1): one request at a time per connection on every path, answers in
// order, and requests still waiting when their client leaves are dropped without work or log noise.
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { replyJson, type SeenRequest } from '../support/fake-upstream.ts';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';

const { facade, upstream } = useFacadeOverFake();

/** Opens a connection and writes `heads` back to back (pipelined); collects what comes back. */
function pipeline(heads: string[]): { socket: Socket; received: () => string } {
  const { hostname, port } = new URL(facade().url);
  const chunks: Buffer[] = [];
  const socket = connect(Number(port), hostname, () => socket.write(heads.join('')));
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  return { socket, received: () => Buffer.concat(chunks).toString('utf8') };
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer t\r\n\r\n`;

/** Holds every upstream request until released; resolves `arrived` for each. */
function holdUpstream() {
  const held: Array<() => void> = [];
  upstream().handle((seen: SeenRequest, response) => {
    held.push(() => replyJson(response, 200, seen.url.includes('/members') ? { members: [], total: 0 } : { url: seen.url }));
  });
  return { held, releaseOne: () => held.shift()?.() };
}

describe('issue 10 #1: memory under pipelining', () => {
  it('works on one request per connection at a time, on owned routes and pass-through alike', async () => {
    const { held, releaseOne } = holdUpstream();
    const heads = [get('/_matrix/client/versions?n=1'), get('/_synapse/admin/v1/rooms/!a:hs/members'), get('/_matrix/client/versions?n=3')];
    const { socket, received } = pipeline(heads);
    await sleep(300);
    // Three requests arrived; only the first reached Synapse, the others wait for its answer.
    expect(upstream().requests.map((seen) => seen.url)).toEqual(['/_matrix/client/versions?n=1']);
    releaseOne();
    await sleep(300);
    expect(upstream().requests.map((seen) => seen.url)).toEqual(['/_matrix/client/versions?n=1', '/_synapse/admin/v1/rooms/!a:hs/members']);
    releaseOne();
    await sleep(300);
    releaseOne();
    await sleep(300);
    expect(held).toHaveLength(0);
    // Every answer arrived, in order.
    const text = received();
    expect(text.match(/HTTP\/1\.1 200/g)).toHaveLength(3);
    expect(text.indexOf('?n=1')).toBeLessThan(text.indexOf('"members"'));
    expect(text.indexOf('"members"')).toBeLessThan(text.indexOf('?n=3'));
    socket.destroy();
  });

  it('drops the requests still waiting when the client leaves: nothing more sent, one log line, no warning', async () => {
    let upstreamClosed!: () => void;
    const aborted = new Promise<void>((resolve) => (upstreamClosed = resolve));
    upstream().handle((_seen, response) => {
      response.on('close', () => upstreamClosed());
    });
    const linesBefore = facade().logLines.length;
    const { socket } = pipeline(Array.from({ length: 5 }, (_unused, index) => get(`/_matrix/client/versions?n=${index}`)));
    await sleep(300);
    expect(upstream().requests).toHaveLength(1);
    socket.destroy();
    // The GET in flight is aborted upstream; the four waiting behind it are never started.
    await aborted;
    await sleep(300);
    expect(upstream().requests).toHaveLength(1);
    const lines = facade().logLines.slice(linesBefore).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.msg === 'request')).toEqual([expect.objectContaining({ route: 'pass-through', aborted: true, level: 30 })]);
    expect(lines.filter((line) => Number(line.level) >= 40)).toEqual([]);
  });

  it('a deep pipeline whose client leaves while reading is paused costs at most one more request, then is dropped', async () => {
    const { held, releaseOne } = holdUpstream();
    const linesBefore = facade().logLines.length;
    const { socket } = pipeline(Array.from({ length: 200 }, (_unused, index) => get(`/_matrix/client/versions?n=${index}`)));
    await sleep(300);
    expect(upstream().requests).toHaveLength(1);
    // Reading is paused (200 requests wait), so the client's leaving is only seen when an answer cannot be written.
    socket.destroy();
    for (let round = 0; round < 4; round++) {
      releaseOne();
      await sleep(200);
    }
    expect(upstream().requests.length).toBeLessThanOrEqual(2);
    expect(held).toHaveLength(0);
    const lines = facade().logLines.slice(linesBefore).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.filter((line) => line.msg === 'request').length).toBeLessThanOrEqual(2);
    expect(lines.filter((line) => Number(line.level) >= 40)).toEqual([]);
    // Nothing is left waiting: the facade stops at once and is unaffected meanwhile.
    upstream().handle((_seen, response) => replyJson(response, 200, { ok: true }));
    expect((await fetch(`${facade().url}/_matrix/client/versions`)).status).toBe(200);
  });
});
