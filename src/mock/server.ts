// Serves the mock Synapse's msw handlers over real HTTP (node:http → fetch Request → msw getResponse) and records requests.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { getResponse } from 'msw';
import type { MockState, DeleteTaskTiming } from './data.ts';
import { createMockState } from './data.ts';
import { createMockHandlers } from './handlers.ts';
import { MatrixError, errorResponse } from './internal/respond.ts';
import { RAW_TARGET_HEADER } from './internal/route.ts';

export { DEFAULT_ADMIN_TOKEN, DEFAULT_USER_TOKEN, EXPIRED_ADMIN_TOKEN, SERVER_NAME } from './constants.ts';

/** One request as it reached the mock. */
export interface RecordedRequest {
  method: string;
  /** The request target exactly as received (raw path and query). */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface MockSynapse {
  /** Base URL, e.g. `http://127.0.0.1:38211` (no trailing slash). */
  url: string;
  close(): Promise<void>;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Forgets the recorded requests (data is kept). */
  reset(): void;
  /** Rebuilds the data set from the seed, as if freshly started (recorded requests are kept). */
  resetState(): void;
  /** The live in-memory data, for assertions. */
  readonly state: MockState;
}

export interface MockSynapseOptions {
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** TCP port; default 0 (random free port). */
  port?: number;
  /** Delay added before every response, in milliseconds; default 0. */
  latencyMs?: number;
  /** Access token of `@admin:mock.example`; default `mock-admin-token`. */
  adminToken?: string;
  /** Access token of `@alice:mock.example` (not an admin); default `mock-user-token`. */
  userToken?: string;
  /** Seed of the generated data set; default 20240601. */
  seed?: number;
  /** Clock used for ages, tasks and new events; default `Date.now`. */
  clock?: () => number;
  /** How long a v2 delete stays scheduled, then active; default 500 ms then 2000 ms. */
  deleteTaskTiming?: DeleteTaskTiming;
  /**
   * Rooms in all; default 164 (the default data set, which a larger count keeps unchanged and adds generated rooms
   * to). 100,000 rooms start in a few seconds in about 130 MB of heap: the added rooms build their events on first read.
   */
  roomCount?: number;
  /** Destinations in all; default 46 (the default data set, kept unchanged by a larger count). */
  destinationCount?: number;
  /** The release whose shapes the mock answers with; default $MOCK_SYNAPSE_VERSION, else the pinned one (src/mock/release.ts). */
  synapseVersion?: string;
}

async function readBody(message: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toFetchRequest(message: IncomingMessage, body: Buffer, origin: string): Request {
  const headers = new Headers();
  for (let i = 0; i + 1 < message.rawHeaders.length; i += 2) headers.append(message.rawHeaders[i] ?? '', message.rawHeaders[i + 1] ?? '');
  // The URL below is WHATWG-normalised (dot segments removed, `#…` cut); routing reads the raw target instead.
  headers.set(RAW_TARGET_HEADER, message.url ?? '/');
  const method = message.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD' && body.length > 0;
  return new Request(new URL(message.url ?? '/', origin), { method, headers, ...(hasBody ? { body } : {}) });
}

async function writeResponse(response: Response, out: ServerResponse): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  out.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  out.end(body);
}

/** Twisted's HTTP limits: at most 500 headers, at most 16,384 bytes of request line and headers. */
const TWISTED_MAX_HEADERS = 500;
const TWISTED_MAX_HEAD_BYTES = 16_384;

/**
 * Whether Twisted would drop the connection without answering: a request line over its line limit (16,384
 * bytes without CRLF). Twisted: twisted/protocols/basic.py LineReceiver.lineLengthExceeded → loseConnection
 */
function twistedDrops(message: IncomingMessage): boolean {
  return `${message.method ?? ''} ${message.url ?? ''} HTTP/1.1`.length > TWISTED_MAX_HEAD_BYTES;
}

/**
 * Whether Twisted would refuse this request before Synapse (auth included) sees it, answering a bare
 * `400 Bad Request` with no body and closing the connection. Twisted: twisted/web/http.py HTTPChannel
 * (`lineReceived` / `headerReceived`, `_respondToBadRequestAndDisconnect`).
 */
function twistedRefuses(message: IncomingMessage): boolean {
  const raw = message.rawHeaders;
  if (raw.length / 2 > TWISTED_MAX_HEADERS) return true;
  let bytes = `${message.method ?? ''} ${message.url ?? ''} HTTP/1.1`.length;
  for (let i = 0; i < raw.length; i += 2) bytes += raw[i]!.length + raw[i + 1]!.length + 2;
  return bytes > TWISTED_MAX_HEAD_BYTES;
}

/** Starts a mock Synapse with its own fresh state; each call is independent of every other. */
export async function startMockSynapse(options: MockSynapseOptions = {}): Promise<MockSynapse> {
  const { host = '127.0.0.1', port = 0, latencyMs = 0, ...stateOptions } = options;
  let state = createMockState(stateOptions);
  let handlers = createMockHandlers(state);
  const requests: RecordedRequest[] = [];
  let origin = '';
  // Twisted's own limits are larger than Node's default, so the mock reads big heads and refuses them itself.
  const server = createServer({ maxHeaderSize: 64 * 1024 }, (message, out) => {
    if (twistedDrops(message)) {
      requests.push({ method: message.method ?? '', url: message.url ?? '', headers: message.headers, body: '' });
      out.socket?.end();
      return;
    }
    if (twistedRefuses(message)) {
      requests.push({ method: message.method ?? '', url: message.url ?? '', headers: message.headers, body: '' });
      out.socket?.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    void (async () => {
      const body = await readBody(message);
      requests.push({ method: message.method ?? '', url: message.url ?? '', headers: message.headers, body: body.toString('utf8') });
      let response: Response;
      try {
        response = (await getResponse(handlers, toFetchRequest(message, body, origin)))
          ?? errorResponse(new MatrixError(404, 'M_UNRECOGNIZED', 'Unrecognized request'));
      } catch {
        response = errorResponse(new MatrixError(400, 'M_UNKNOWN', 'Bad request'));
      }
      if (latencyMs > 0) await sleep(latencyMs);
      await writeResponse(response, out);
    })().catch(() => out.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    url: origin,
    requests,
    get state() { return state; },
    reset: () => { requests.length = 0; },
    resetState: () => {
      state = createMockState(stateOptions);
      handlers = createMockHandlers(state);
    },
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }),
  };
}
