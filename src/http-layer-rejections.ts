// Requests refused before any route sees them (a bad Host, a request Node's HTTP parser cannot read): each one
// gets a Matrix error with Synapse's CORS headers and an X-Request-Id, one log line and a count, like any answer.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIPv6, type Socket } from 'node:net';
import { FacadeError } from './errors.ts';
import type { Logger } from './log.ts';
import { JSON_HEADERS, sendBytes } from './pipeline/respond.ts';
import type { FacadeMetrics } from './observability/metrics.ts';
import { startRequestRecord } from './observability/request-log.ts';

/** Route label of these answers in logs and metrics. */
export const HTTP_LAYER_ROUTE = 'rejected by HTTP layer';

/** What the rejections need from the running facade. */
export interface RejectionContext {
  logger: Logger;
  metrics: FacadeMetrics;
}

// RFC 3986 §3.2.2: reg-name is unreserved, pct-encoded and sub-delims; an IP-literal is an IPv6 address or IPvFuture.
const REG_NAME = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+$/;
const IP_FUTURE = /^v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/;
const PORT = /^\d*$/;

/** True when `value` is `uri-host [ ":" port ]` with a non-empty host (RFC 9112 §3.2, RFC 3986 §3.2.2–3). */
function isValidHost(value: string): boolean {
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end === -1) return false;
    const literal = value.slice(1, end);
    const rest = value.slice(end + 1);
    return (isIPv6(literal) || IP_FUTURE.test(literal)) && (rest === '' || (rest.startsWith(':') && PORT.test(rest.slice(1))));
  }
  const colon = value.lastIndexOf(':');
  const host = colon === -1 ? value : value.slice(0, colon);
  const port = colon === -1 ? '' : value.slice(colon + 1);
  // An empty host: RFC 9110 §4.2.1 has a recipient reject an "http" URI with an empty host identifier.
  return REG_NAME.test(host) && PORT.test(port);
}

/**
 * Why this request's Host is unacceptable, or undefined when it is fine. RFC 9112 §3.2: a server answers 400
 * to an HTTP/1.1 request without Host, with more than one Host line, or with an invalid Host value.
 * HTTP/1.0 may leave it out.
 */
export function hostHeaderProblem(incoming: IncomingMessage): string | undefined {
  const values: string[] = [];
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
    if (incoming.rawHeaders[i]!.toLowerCase() === 'host') values.push(incoming.rawHeaders[i + 1]!);
  }
  if (values.length > 1) return 'More than one Host header';
  const [value] = values;
  if (value === undefined) return incoming.httpVersion === '1.0' ? undefined : 'Missing Host header';
  return isValidHost(value) ? undefined : 'Invalid Host header';
}

/**
 * Answers a request the facade refuses before routing it with a 400 M_UNKNOWN (`error` says why), closes
 * the connection after it, and logs and counts it under {@link HTTP_LAYER_ROUTE}.
 */
export function rejectRequest(context: RejectionContext, incoming: IncomingMessage, outgoing: ServerResponse, error: string): void {
  const record = startRequestRecord(incoming, outgoing, context);
  record.route = HTTP_LAYER_ROUTE;
  record.rejection = error;
  const refusal = new FacadeError(400, 'M_UNKNOWN', error);
  sendBytes(outgoing, refusal.status, { ...JSON_HEADERS, connection: 'close' }, Buffer.from(JSON.stringify(refusal.toBody())));
}

/** Node's status for each parser error it names (lib/_http_server.js socketOnError), as a Matrix error. */
function clientErrorAnswer(code: string | undefined): FacadeError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new FacadeError(431, 'M_TOO_LARGE', 'Request line and headers are too large');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new FacadeError(413, 'M_TOO_LARGE', 'Chunk extensions are too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new FacadeError(408, 'M_UNKNOWN', 'The request was not received in time');
    default:
      return new FacadeError(400, 'M_UNKNOWN', `Malformed HTTP request${code ? ` (${code})` : ''}`);
  }
}

/** What Node's HTTP server keeps on a socket: the answer in progress and its parser (lib/_http_server.js). */
interface ServedSocket extends Socket {
  _httpMessage?: ServerResponse | null;
  parser?: { incoming?: IncomingMessage | null } | null;
}

const answered = new WeakSet<Socket>();

/**
 * Parser errors that only mean the client left: a reset, or the connection ending inside a request (a body
 * cut short). The request itself, if one had started, is logged and counted as `aborted`.
 */
const CLIENT_GONE = new Set(['ECONNRESET', 'HPE_INVALID_EOF_STATE']);

/**
 * True when an error answer written now is read by the client as the answer to the request that failed:
 * nothing is pending on the connection, or only that request's own answer, not started yet (a body that
 * breaks off). Not when an earlier pipelined request still waits for its answer.
 */
function mayAnswer(socket: ServedSocket): boolean {
  const pending = socket._httpMessage;
  if (!pending) return true;
  return !pending.headersSent && pending.req === socket.parser?.incoming;
}

/**
 * The server's 'clientError' listener: answers what Node would (431, 413, 408 or 400) as a Matrix error with
 * Synapse's CORS headers and an X-Request-Id, logs and counts it, and closes the connection, as Node does.
 * A client that is already gone ({@link CLIENT_GONE}) gets nothing.
 */
export function answerClientError(context: RejectionContext, error: Error & { code?: string }, socket: Socket): void {
  if (answered.has(socket)) return;
  answered.add(socket);
  if (CLIENT_GONE.has(error.code ?? '') || !socket.writable) {
    socket.destroy();
    return;
  }
  const refusal = clientErrorAnswer(error.code);
  const requestId = randomUUID();
  const body = JSON.stringify(refusal.toBody());
  if (mayAnswer(socket as ServedSocket)) {
    const headers = { ...JSON_HEADERS, 'x-request-id': requestId, 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    socket.write(`HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\n${head}\r\n${body}`);
  }
  socket.destroy();
  const labels = { route: HTTP_LAYER_ROUTE, method: 'unknown', status: String(refusal.status) };
  context.metrics.requests.inc(labels);
  context.logger.info({ request_id: requestId, ...labels, status: refusal.status, rejected: refusal.message }, 'request');
}

// The request-target checks @hono/node-server makes before it can build a Request (src/url.ts and newRequest in
// its listener), made here for the Synapse paths that never go through it, so both kinds of path refuse alike.
const PLAIN_HOST = /^[a-z0-9._-]+(?::(?:[1-5]\d{3,4}|[6-9]\d{3}))?$/;
const PLAIN_TARGET = /^\/[!#$&-;=?-[\]_a-z~]*$/;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;

/** The facade's text for a target the HTTP layer cannot take, from the adapter's RequestError message. */
export function requestTargetRefusal(message: string): string {
  return /host/i.test(message) ? 'Invalid Host header' : 'Invalid request target';
}

/** A backslash in the path (before any `?`) is refused: URL parsers would read it as a slash. */
const backslashInPath = (target: string) => {
  const backslash = target.indexOf('\\');
  if (backslash === -1) return false;
  const query = target.indexOf('?');
  return query === -1 || backslash < query;
};

function parses(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * Why this request's target cannot be taken (as `Invalid request target` or `Invalid Host header`), or
 * undefined. The common case, a plain origin-form path and a plain Host, costs two regular-expression tests.
 */
export function requestTargetProblem(incoming: IncomingMessage): string | undefined {
  const target = incoming.url ?? '';
  if (target[0] !== '/' && (target.startsWith('http://') || target.startsWith('https://'))) {
    return backslashInPath(target) || parses(target) === undefined ? 'Invalid request target' : undefined;
  }
  const host = incoming.headers.host || 'localhost';
  const scheme = 'encrypted' in incoming.socket && incoming.socket.encrypted ? 'https' : 'http';
  if (!PLAIN_HOST.test(host)) {
    if (backslashInPath(target)) return 'Invalid request target';
    const url = parses(`${scheme}://${host}${target}`);
    if (url === undefined) return 'Invalid request target';
    const bare = (host.includes(':') ? host.replace(/:\d+$/, '') : host).toLowerCase();
    return url.hostname.length !== host.length && url.hostname !== bare ? 'Invalid Host header' : undefined;
  }
  if (target.length === 0) return undefined;
  if (target.charCodeAt(0) !== 47) return 'Invalid request target';
  if (PLAIN_TARGET.test(target) && !DOT_SEGMENT.test(target)) return undefined;
  return backslashInPath(target) || parses(`${scheme}://${host}${target}`) === undefined ? 'Invalid request target' : undefined;
}
