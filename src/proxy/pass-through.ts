// Everything the facade does not own goes to Synapse unchanged: method, raw path and query, body, streamed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { FacadeContext } from '../pipeline/context.ts';
import { noteCut, noteUpstreamStatus } from '../observability/request-log.ts';
import { passThroughCorsHeaders } from '../pipeline/respond.ts';
import { uploadAborted } from '../pipeline/request-body.ts';
import type { PendingWrite } from '../protection/freshness.ts';
import { SAFE_METHODS } from '../protection/write-effects.ts';
import { isTokenRefusalStatus } from '../protection/admin-gate.ts';
import { clientResponseHeaders, upstreamRequestHeaders } from '../upstream/headers.ts';
import { splitTarget } from '../internal/query.ts';
import { passThroughAudit } from './pass-through-audit.ts';

/** What the caller knows about a passed-through request. */
export interface PassThroughOptions {
  /** The write this request is (absent for GET, HEAD, OPTIONS). */
  write?: PendingWrite;
  /** The access token the request carries, as Synapse reads it (asked only when Synapse refuses it). */
  tokenOf?: () => string | undefined;
}

/** True when the client sent a body (Content-Length > 0 or chunked). */
function hasRequestBody(incoming: IncomingMessage): boolean {
  const length = incoming.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return incoming.headers['transfer-encoding'] !== undefined;
}

/**
 * Proxies one request byte for byte (the raw request target, so `;`, `%2F` and key order survive).
 * A client that goes away aborts a safe (GET/HEAD) upstream request; a mutation already sent is left to
 * finish, since Synapse does not cancel it either. A client that goes away mid-upload aborts the upstream
 * request too (Synapse never acts on a body it did not receive whole): an AbortError, not an upstream fault.
 * The body is piped straight into the Node response: never through web streams, whose cancel path crashed
 * the process on client aborts (nodejs/node#54205).
 */
export async function passThrough(
  context: FacadeContext,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  { write, tokenOf }: PassThroughOptions = {},
): Promise<void> {
  const method = incoming.method ?? 'GET';
  const abortable = SAFE_METHODS.has(method);
  // The usual pass-through, a GET or HEAD without a body, needs none of what follows: no audit, no write to track,
  // no upload to watch.
  if (abortable && !hasRequestBody(incoming)) return passThroughStreamed(context, incoming, outgoing, tokenOf);
  const controller = new AbortController();
  outgoing.once('close', () => {
    if (abortable && !outgoing.writableFinished) controller.abort();
  });
  // Admin mutations and logins get an audit row (never a body, a password or a token).
  const audit = passThroughAudit(context, incoming, { method, rawPath: splitTarget(incoming.url ?? '/').rawPath, tokenOf });
  const body = hasRequestBody(incoming) ? incoming : null;
  // Registered before undici's own listeners, so the upload's end is seen as an abort, never as Synapse failing.
  body?.once('error', () => {
    if (!incoming.complete) controller.abort(uploadAborted());
  });
  write?.sent();
  const exchange = async (): Promise<{ response: Dispatcher.ResponseData; answer: Readable }> => {
    let response: Dispatcher.ResponseData;
    try {
      response = await context.upstream.request({
        method,
        path: incoming.url ?? '/',
        headers: upstreamRequestHeaders(incoming, context.config),
        body: audit ? audit.requestBody(body) : body,
        signal: controller.signal,
      });
    } catch (error) {
      await audit?.failed(error);
      throw error;
    }
    noteUpstreamStatus(incoming, response.statusCode);
    // Synapse has processed a write once its headers arrive: what it changed is dropped before the client hears.
    await write?.end(response.statusCode);
    forgetRefusedToken(context, response.statusCode, tokenOf);
    return { response, answer: audit ? await audit.answered(response.statusCode, response.body) : response.body };
  };
  // An audited request holds a stop up until its row is written, even once the client was cut.
  const { response, answer } = await (audit ? context.audits.track(exchange()) : exchange());
  if (outgoing.destroyed) {
    answer.on('error', () => {});
    answer.resume();
    return;
  }
  outgoing.writeHead(response.statusCode, answerHeaders(response.headers));
  pipeAnswer(incoming, answer, outgoing);
}

/** Synapse refused this token: whatever the gate kept for it ends now (its answer is never a proof). */
function forgetRefusedToken(context: FacadeContext, status: number, tokenOf: (() => string | undefined) | undefined): void {
  if (!context.gate || !isTokenRefusalStatus(status)) return;
  const token = tokenOf?.();
  if (token !== undefined) context.gate.forget(token);
}

/** Synapse's headers as the client gets them: hop-by-hop ones dropped, CORS added where Synapse sent none. */
const answerHeaders = (headers: Record<string, string | string[] | undefined>) => ({ ...clientResponseHeaders(headers), ...passThroughCorsHeaders(headers) });

/**
 * A GET or HEAD without a body, with Synapse's answer written as it arrives (Upstream.stream): what `passThrough`
 * does for it, without a body stream, a pipe or an AbortSignal per request. Resolves once the answer has started;
 * rejects, before it starts, as `passThrough` does (a FacadeError, or an AbortError when the client left).
 */
function passThroughStreamed(context: FacadeContext, incoming: IncomingMessage, outgoing: ServerResponse, tokenOf: (() => string | undefined) | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    let flow: { pause(): void; resume(): void } | undefined;
    const abort = context.upstream.stream(
      { method: incoming.method ?? 'GET', path: incoming.url ?? '/', headers: upstreamRequestHeaders(incoming, context.config) },
      {
        start(statusCode, headers, answerFlow) {
          noteUpstreamStatus(incoming, statusCode);
          forgetRefusedToken(context, statusCode, tokenOf);
          flow = answerFlow;
          outgoing.writeHead(statusCode, answerHeaders(headers));
          outgoing.on('drain', () => answerFlow.resume());
          resolve();
        },
        data(chunk) {
          if (!outgoing.write(chunk)) flow?.pause();
        },
        end() {
          outgoing.end();
        },
        fail(error) {
          if (flow === undefined) return reject(error);
          // Synapse's answer broke off: the facade cuts the client's too (its log line says `cut`).
          if (outgoing.destroyed) return;
          noteCut(incoming);
          outgoing.destroy();
        },
      },
    );
    // A client that leaves aborts the upstream GET, before its answer starts or while it streams.
    outgoing.once('close', () => {
      if (!outgoing.writableFinished) abort(new DOMException('The client went away', 'AbortError'));
    });
  });
}

/**
 * Streams Synapse's body into the client's answer. An error on either side destroys the other, and is never left
 * unhandled; Synapse's stream failing is the facade cutting the answer (its log line says `cut`). Not
 * stream.pipeline(), which makes and aborts an AbortController per call: a DOMException with a stack trace for
 * every request passed through, a tenth of a bare proxy's CPU.
 */
function pipeAnswer(incoming: IncomingMessage, answer: Readable, outgoing: ServerResponse): void {
  answer.once('error', () => {
    if (outgoing.destroyed) return;
    noteCut(incoming);
    outgoing.destroy();
  });
  outgoing.once('error', () => answer.destroy());
  outgoing.once('close', () => {
    if (!answer.readableEnded) answer.destroy();
  });
  answer.pipe(outgoing);
}
