// Everything the facade does not own goes to Synapse unchanged: method, raw path and query, body, streamed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { FacadeContext } from '../pipeline/context.ts';
import { noteUpstreamStatus } from '../observability/request-log.ts';
import { CORS_HEADERS } from '../pipeline/respond.ts';
import { clientResponseHeaders, upstreamRequestHeaders } from '../upstream/headers.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when the client sent a body (Content-Length > 0 or chunked). */
function hasRequestBody(incoming: IncomingMessage): boolean {
  const length = incoming.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return incoming.headers['transfer-encoding'] !== undefined;
}

/**
 * Proxies one request byte for byte (the raw request target, so `;`, `%2F` and key order survive).
 * A client that goes away aborts a safe (GET/HEAD) upstream request; a mutation already sent is left to
 * finish, since Synapse does not cancel it either. The body is piped straight into the Node response:
 * never through web streams, whose cancel path crashed the process on client aborts (nodejs/node#54205).
 */
export async function passThrough(
  context: FacadeContext,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
): Promise<void> {
  const method = incoming.method ?? 'GET';
  const controller = new AbortController();
  const abortable = SAFE_METHODS.has(method);
  outgoing.once('close', () => {
    if (abortable && !outgoing.writableFinished) controller.abort();
  });
  const response = await context.upstream.request({
    method,
    path: incoming.url ?? '/',
    headers: upstreamRequestHeaders(incoming, { ...context.config, keepContentLength: true }),
    body: hasRequestBody(incoming) ? incoming : null,
    signal: abortable ? controller.signal : undefined,
  });
  noteUpstreamStatus(incoming, response.statusCode);
  const body = response.body;
  if (outgoing.destroyed) {
    body.on('error', () => {});
    body.resume();
    return;
  }
  outgoing.writeHead(response.statusCode, { ...clientResponseHeaders(response.headers), ...CORS_HEADERS });
  // pipeline() puts 'error' listeners on both streams, so an abort on either side never becomes an
  // unhandled error; it destroys the other side instead.
  pipeline(body, outgoing, (error) => {
    if (error && !outgoing.destroyed) outgoing.destroy();
  });
}
