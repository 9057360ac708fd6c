// A forwarding proxy in front of the mock Synapse that measures how many matching requests are in flight at
// once: the bulk-job tests hold the facade to its concurrency with it.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One forwarded request: what it was and when it arrived and was answered (performance.now(), ms). */
export interface Timed {
  method: string;
  url: string;
  /** Arrival on the wall clock (Date.now()), to compare with the mock's own times. */
  at: number;
  startedAt: number;
  endedAt?: number;
}

/** A running proxy. */
export interface CountingProxy {
  url: string;
  /** Most matching requests in flight at the same moment. */
  readonly maxInFlight: number;
  /** Every matching request, in arrival order. */
  seen: Timed[];
  close(): Promise<void>;
}

/** Forwards every request to `target` unchanged; counts those `matches` selects. */
export async function startCountingProxy(target: string, matches: (method: string, url: string) => boolean): Promise<CountingProxy> {
  const upstream = new URL(target);
  let inFlight = 0;
  let maxInFlight = 0;
  const seen: Timed[] = [];
  const server = createServer((incoming, outgoing) => {
    const method = incoming.method ?? 'GET';
    const url = incoming.url ?? '/';
    const counted = matches(method, url);
    const timed: Timed = { method, url, at: Date.now(), startedAt: performance.now() };
    if (counted) {
      seen.push(timed);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
    }
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method, path: url, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
      answer.on('end', () => {
        if (!counted) return;
        inFlight -= 1;
        timed.endedAt = performance.now();
      });
    });
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get maxInFlight() {
      return maxInFlight;
    },
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
