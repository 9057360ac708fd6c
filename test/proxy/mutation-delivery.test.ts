// Mutations are sent at most once, never cancelled by a leaving client, coalesced when identical, size-bounded.
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { beforeEach, describe, expect, it } from 'vitest';
import { replyJson } from '../support/fake-upstream.ts';
import { bearer } from '../support/facade.ts';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';

const ROOM = '/_synapse/admin/v1/rooms/!doomed:hs';
const DELETE_RESULT = { kicked_users: ['@a:hs'], failed_to_kick_users: [], local_aliases: [], new_room_id: null };
const { facade, upstream } = useFacadeOverFake({ upstreamHeadersTimeoutMs: 300, upstreamLongTimeoutMs: 3_000, maxBodyBytes: 1024 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const deletes = () => upstream().requests.filter((seen) => seen.method === 'DELETE');
const audits = () => facade().logLines.map((line) => JSON.parse(line) as { audit?: Record<string, unknown> }).filter((line) => line.audit);

describe('at most once', () => {
  it('an upstream that drops the connection after receiving a DELETE sees exactly one request; the client gets 502', async () => {
    upstream().handle((_seen, response) => {
      response.socket?.destroy();
    });
    const answer = await fetch(`${facade().url}${ROOM}`, { method: 'DELETE', body: '{}', headers: bearer('t') });
    expect(answer.status).toBe(502);
    await sleep(100);
    expect(deletes()).toHaveLength(1);
  });

  it('a client that disconnects during a v1 DELETE does not cancel it; the outcome is still logged', async () => {
    let finished!: () => void;
    const upstreamDone = new Promise<void>((resolve) => (finished = resolve));
    upstream().handle(async (_seen, response) => {
      await sleep(300);
      replyJson(response, 200, DELETE_RESULT);
      response.on('finish', () => finished());
    });
    const { hostname, port } = new URL(facade().url);
    const socket = connect(Number(port), hostname, () => {
      socket.write(`DELETE ${ROOM} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Length: 2\r\n\r\n{}`);
    });
    await sleep(100);
    socket.destroy();
    await upstreamDone; // the upstream completed its answer: the request was not aborted
    await sleep(50);
    expect(deletes()).toHaveLength(1);
    const line = audits().at(-1)!.audit!;
    expect(line).toMatchObject({ route: 'DELETE /v1/rooms/{room_id}', upstream_status: 200 });
    // Without the admin gate the user is unknown: a fingerprint of the token stands in, never the token.
    expect(line.admin).toEqual({ token_fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(facade().logLines.join('\n')).not.toMatch(/Bearer t\b/);
  });

  it('the v1 DELETE waits for the long timeout, other mutations for the normal one', async () => {
    // undici's timers are coarse (about half a second), so the delay is well past the normal timeout.
    upstream().handle(async (_seen, response) => {
      await sleep(1_500);
      replyJson(response, 200, DELETE_RESULT);
    });
    const longOne = await fetch(`${facade().url}${ROOM}`, { method: 'DELETE', body: '{}', headers: bearer('t') });
    expect(longOne.status).toBe(200);
    const normal = await fetch(`${facade().url}${ROOM}/block`, { method: 'PUT', body: '{"block":true}', headers: bearer('t') });
    expect(normal.status).toBe(504);
    await sleep(1_500);
    expect(upstream().requests.filter((seen) => seen.method === 'PUT')).toHaveLength(1);
  });
});

describe('coalescing identical v1 DELETEs', () => {
  beforeEach(() => {
    upstream().handle(async (_seen, response) => {
      await sleep(150);
      replyJson(response, 200, DELETE_RESULT);
    });
  });

  it('two identical DELETEs in flight become one upstream call; both clients get its answer', async () => {
    const send = () => fetch(`${facade().url}${ROOM}`, { method: 'DELETE', body: '{"purge":true}', headers: bearer('t') });
    const [first, second] = await Promise.all([send(), send()]);
    expect(await first.json()).toEqual(DELETE_RESULT);
    expect(await second.json()).toEqual(DELETE_RESULT);
    expect(deletes()).toHaveLength(1);
    expect(audits().slice(-2).map((line) => line.audit!.coalesced ?? false).sort()).toEqual([false, true]);
  });

  it('different bodies or a later call are separate upstream calls', async () => {
    const send = (body: string) => fetch(`${facade().url}${ROOM}`, { method: 'DELETE', body, headers: bearer('t') });
    await Promise.all([send('{"purge":true}'), send('{"purge":false}')]);
    await send('{"purge":true}');
    expect(deletes()).toHaveLength(3);
  });
});

describe('body size limit', () => {
  it('a declared Content-Length over the limit → 413 M_TOO_LARGE before anything is read or sent', async () => {
    const answer = await fetch(`${facade().url}${ROOM}/block`, { method: 'PUT', body: JSON.stringify({ block: true, pad: 'x'.repeat(2000) }), headers: bearer('t') });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ errcode: 'M_TOO_LARGE', error: 'Request content is too large (>1024)' });
    expect(upstream().requests).toHaveLength(0);
  });

  it('a chunked body that grows past the limit → 413, without buffering the rest', async () => {
    async function* chunks() {
      for (let i = 0; i < 100; i++) yield Buffer.alloc(512, 0x20);
    }
    const answer = await request(`${facade().url}${ROOM}`, { method: 'DELETE', body: Readable.from(chunks()), headers: bearer('t') });
    expect(answer.statusCode).toBe(413);
    expect(upstream().requests).toHaveLength(0);
  });
});
