// A programmable stand-in for Synapse on a loopback port: records every request, answers as told.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the upstream received it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: string;
}

export type FakeHandler = (request: SeenRequest, response: ServerResponse) => void | Promise<void>;

/** A running fake upstream. */
export interface FakeUpstream {
  url: string;
  requests: SeenRequest[];
  /** Replaces the handler for the next requests. */
  handle(handler: FakeHandler): void;
  close(): Promise<void>;
}

/** Answers `{"ok":true}`, like a healthy Synapse: the fake's default. */
export const answerOk: FakeHandler = (_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end('{"ok":true}');
};

/** Starts a fake upstream on 127.0.0.1 with a random port. */
export async function startFakeUpstream(handler: FakeHandler = answerOk): Promise<FakeUpstream> {
  let current = handler;
  const requests: SeenRequest[] = [];
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const seen: SeenRequest = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        rawHeaders: incoming.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(seen);
      void current(seen, outgoing);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Sends a JSON answer from a fake handler. */
export function replyJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/**
 * Resolves once `fake` has received `count` requests that `wanted` picks, counted from its `from`th request: they
 * are then in flight through the facade. Tests that stop a facade mid-request wait for this, not for a fixed
 * sleep, which on a loaded machine could begin the stop before the request had reached the facade.
 */
export async function untilUpstreamHas(
  fake: FakeUpstream,
  wanted: (request: SeenRequest) => boolean,
  { from = 0, count = 1, timeoutMs = 10_000 }: { from?: number; count?: number; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (fake.requests.slice(from).filter(wanted).length < count) {
    if (Date.now() > deadline) throw new Error(`the upstream did not get ${count} such requests in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
