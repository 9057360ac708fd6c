// A forwarding proxy in front of the mock Synapse that answers chosen requests itself with an error, so a sweep
// can be made to fail part-way (Synapse's 500 on one page) while every other request reaches the mock.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running proxy; set `failWhen` to pick the requests answered with `status`. */
export interface FailingProxy {
  url: string;
  failWhen: ((method: string, url: string) => boolean) | undefined;
  status: number;
  close(): Promise<void>;
}

/** Forwards everything to `target` except what `failWhen` picks. */
export async function startFailingProxy(target: string): Promise<FailingProxy> {
  const upstream = new URL(target);
  const server = createServer((incoming, outgoing) => {
    const method = incoming.method ?? 'GET';
    const url = incoming.url ?? '/';
    if (proxy.failWhen?.(method, url)) {
      incoming.resume();
      outgoing.writeHead(proxy.status, { 'content-type': 'application/json' });
      outgoing.end(JSON.stringify({ errcode: 'M_UNKNOWN', error: 'Internal server error' }));
      return;
    }
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method, path: url, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: FailingProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failWhen: undefined,
    status: 500,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
