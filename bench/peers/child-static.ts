// Benchmark child: an upstream that costs almost nothing. It starts the mock in this process once, captures the
// bodies the bench asks for (the 100-room page, room details, a user record, whoami, the admin flag, a block
// answer), stops the mock, and from then on answers every request with those prebuilt bytes.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockSynapse } from '../../src/mock/server.ts';
import { ADMIN_USER_ID, DEFAULT_ADMIN_TOKEN } from '../../src/mock/constants.ts';
import { serveParent } from '../internal/ipc.ts';

/** One captured answer: status, content type and the exact body bytes. */
interface Captured { status: number; body: Buffer; headers: Record<string, string> }

const ROOMS = '/_synapse/admin/v1/rooms';

async function capture(): Promise<{ page: Captured; details: Captured; user: Captured; whoami: Captured; admin: Captured; block: Captured; roomId: string }> {
  const mock = await startMockSynapse({ latencyMs: 0 });
  const get = async (path: string, init: RequestInit = {}): Promise<Captured> => {
    const response = await fetch(`${mock.url}${path}`, { ...init, headers: { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}`, 'content-type': 'application/json' } });
    if (response.status !== 200) throw new Error(`capturing ${path}: the mock answered ${response.status}`);
    const body = Buffer.from(await response.arrayBuffer());
    return { status: 200, body, headers: { 'content-type': response.headers.get('content-type') ?? 'application/json', 'content-length': String(body.length) } };
  };
  try {
    const page = await get(`${ROOMS}?limit=100`);
    const roomId = (JSON.parse(page.body.toString('utf8')) as { rooms: { room_id: string }[] }).rooms[0]!.room_id;
    const encoded = encodeURIComponent(roomId);
    return {
      page,
      roomId,
      details: await get(`${ROOMS}/${encoded}`),
      user: await get(`/_synapse/admin/v2/users/${encodeURIComponent(ADMIN_USER_ID)}`),
      whoami: await get('/_matrix/client/v3/account/whoami'),
      admin: await get(`/_synapse/admin/v1/users/${encodeURIComponent(ADMIN_USER_ID)}/admin`),
      block: await get(`${ROOMS}/${encoded}/block`, { method: 'PUT', body: JSON.stringify({ block: false }) }),
    };
  } finally {
    await mock.close();
  }
}

const captured = await capture();
const notFound: Captured = (() => {
  const body = Buffer.from('{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}');
  return { status: 404, body, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } };
})();

/** Picks the prebuilt answer by method and path alone; the query string (e.g. `from`) never changes the bytes. */
function answerFor(method: string, url: string): Captured {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (path === ROOMS) return captured.page;
  if (path.startsWith('/_synapse/admin/v2/users/')) return captured.user;
  if (path === '/_matrix/client/v3/account/whoami') return captured.whoami;
  if (path.startsWith('/_synapse/admin/v1/users/') && path.endsWith('/admin')) return captured.admin;
  if (path.startsWith(`${ROOMS}/`)) {
    if (path.endsWith('/block')) return method === 'PUT' ? captured.block : notFound;
    return path.indexOf('/', ROOMS.length + 1) === -1 ? captured.details : notFound;
  }
  return notFound;
}

let requests = 0;
const server = createServer((incoming: IncomingMessage, outgoing: ServerResponse) => {
  requests += 1;
  const answer = answerFor(incoming.method ?? 'GET', incoming.url ?? '/');
  // A request body (the mutation's) is read to its end before answering, as Synapse does.
  incoming.resume();
  incoming.once('end', () => {
    outgoing.writeHead(answer.status, answer.headers);
    outgoing.end(answer.body);
  });
});
server.keepAliveTimeout = 60_000;
let connections = 0;
server.on('connection', () => { connections += 1; });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serveParent({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, roomId: captured.roomId, pageBytes: captured.page.body.length }, {
  cpu: () => process.cpuUsage(),
  counts: () => ({ total: requests, connections, byPath: {} }),
  reset: () => { requests = 0; connections = 0; return null; },
  close: async () => { server.closeAllConnections(); server.close(); setImmediate(() => process.exit(0)); return null; },
});
