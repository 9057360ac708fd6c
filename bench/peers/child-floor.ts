// Benchmark child: the two Node floors the facade is judged against. `buffer` answers every request with one
// prebuilt Buffer (what a cache hit cannot beat); `proxy` sends every request on with an undici Pool and pipes
// the answer back (what pass-through cannot beat). Nothing else: no logging, no metrics, no checks.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { serveParent } from '../internal/ipc.ts';

/** argv[2]: `{"mode":"buffer","body":"<base64>"}` or `{"mode":"proxy","upstream":"http://…"}`. */
interface FloorOptions { mode: 'buffer' | 'proxy'; body?: string; upstream?: string }

const options = JSON.parse(process.argv[2] ?? '{}') as FloorOptions;

function bufferListener(body: Buffer) {
  const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };
  return (_incoming: IncomingMessage, outgoing: ServerResponse) => {
    outgoing.writeHead(200, headers);
    outgoing.end(body);
  };
}

function proxyListener(pool: Pool) {
  return (incoming: IncomingMessage, outgoing: ServerResponse) => {
    pool.request({ method: incoming.method as 'GET', path: incoming.url ?? '/', headers: incoming.headers, body: incoming.method === 'GET' ? null : incoming })
      .then(({ statusCode, headers, body }) => {
        if (outgoing.destroyed) { body.resume(); return; }
        outgoing.writeHead(statusCode, headers as Record<string, string>);
        // pipe(), not pipeline(): the latter aborts an AbortController per call (a DOMException each time).
        body.once('error', () => outgoing.destroy());
        outgoing.once('close', () => { if (!body.readableEnded) body.destroy(); });
        body.pipe(outgoing);
      }, () => { outgoing.statusCode = 502; outgoing.end(); });
  };
}

const pool = options.mode === 'proxy' ? new Pool(options.upstream!, { connections: 64 }) : undefined;
const server = createServer(pool ? proxyListener(pool) : bufferListener(Buffer.from(options.body ?? '', 'base64')));
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serveParent({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, {
  cpu: () => process.cpuUsage(),
  close: async () => { server.closeAllConnections(); server.close(); await pool?.close(); setImmediate(() => process.exit(0)); return null; },
});
