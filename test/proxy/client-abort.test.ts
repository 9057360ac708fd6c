// Regression tests for client aborts: they must never crash the process (nodejs/node#54205 killed a
// prototype that wrapped undici bodies in web streams) and must abort the upstream GET.
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';

const { facade, upstream } = useFacadeOverFake();
let upstreamClosed: Promise<void>;

/** Upstream that sends headers and a first chunk, then keeps the response open until it is aborted. */
function streamForever(): void {
  upstreamClosed = new Promise((resolve) => {
    upstream().handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"chunk":[' + '"x",'.repeat(2000));
      response.on('close', () => resolve());
    });
  });
}

/** Opens a raw connection, sends a GET, waits for the first bytes of the answer, then destroys it. */
function getThenHangUp(path: string, headers = ''): Promise<void> {
  const { hostname, port } = new URL(facade().url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n${headers}\r\n`);
    });
    socket.once('data', () => {
      socket.destroy();
      resolve();
    });
    socket.on('error', reject);
  });
}

/** Opens a raw connection to the facade and sends a GET of `path` with the test token; the test destroys it. */
function rawGet(path: string): Socket {
  const { hostname, port } = new URL(facade().url);
  const socket = connect(Number(port), hostname, () => {
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n`);
  });
  return socket;
}

describe('client goes away mid-response', () => {
  it('pass-through: the process survives and the upstream GET is aborted', async () => {
    streamForever();
    await getThenHangUp('/_matrix/client/v3/sync');
    await upstreamClosed; // the upstream side saw its connection closed
    const next = await fetch(`${facade().url}/_matrix/client/versions`);
    expect(next.status).toBe(200);
  });

  it('pass-through: a client that leaves before Synapse has answered at all aborts the upstream GET', async () => {
    let sawRequest!: () => void;
    const requested = new Promise<void>((resolve) => (sawRequest = resolve));
    upstreamClosed = new Promise((resolve) => {
      upstream().handle((request, response) => {
        if (request.url === '/_matrix/client/versions') {
          response.end('{}');
          return;
        }
        sawRequest();
        response.on('close', () => resolve());
      });
    });
    const { hostname, port } = new URL(facade().url);
    const socket = connect(Number(port), hostname, () => socket.write('GET /_matrix/client/v3/sync HTTP/1.1\r\nHost: x\r\n\r\n'));
    await requested;
    socket.destroy();
    await upstreamClosed;
    expect((await fetch(`${facade().url}/_matrix/client/versions`)).status).toBe(200);
  });

  it('owned route: a client that leaves while Synapse is still answering aborts the upstream GET', async () => {
    let sawRequest!: () => void;
    const requested = new Promise<void>((resolve) => (sawRequest = resolve));
    upstreamClosed = new Promise((resolve) => {
      upstream().handle((_request, response) => {
        sawRequest();
        response.on('close', () => resolve());
      });
    });
    const socket = rawGet('/_synapse/admin/v1/rooms');
    await requested;
    socket.destroy();
    await upstreamClosed;
    upstream().handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"members":[],"total":0}');
    });
    const next = await fetch(`${facade().url}/_synapse/admin/v1/rooms/!a:hs/members`, { headers: { authorization: 'Bearer t' } });
    expect(next.status).toBe(200);
  });

  it('owned route: a client that leaves after Synapse\'s headers, while its body is arriving, aborts the upstream GET', async () => {
    let sawRequest!: () => void;
    const requested = new Promise<void>((resolve) => (sawRequest = resolve));
    upstreamClosed = new Promise((resolve) => {
      upstream().handle((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"rooms":[');
        response.on('close', () => resolve());
        setTimeout(sawRequest, 50);
      });
    });
    const socket = rawGet('/_synapse/admin/v1/rooms?limit=7');
    await requested;
    socket.destroy();
    await upstreamClosed;
    expect((await fetch(`${facade().url}/_matrix/client/versions`)).status).toBe(200);
  });

  it('many aborts in a row leave the facade healthy', async () => {
    for (let i = 0; i < 20; i++) {
      streamForever();
      await getThenHangUp('/_matrix/client/v3/sync');
      await upstreamClosed;
    }
    upstream().handle((_request, response) => {
      response.writeHead(200);
      response.end('ok');
    });
    expect((await fetch(`${facade().url}/health`)).status).toBe(200);
  });
});
