// The one connection pool toward Synapse, and the mapping of its failures to 502/504 Matrix errors.
import type { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import { FacadeError, facadeErrors } from '../errors.ts';

/** Pool settings, all from config. */
export interface UpstreamOptions {
  /** Base URL of Synapse, e.g. http://127.0.0.1:8008. */
  synapseUrl: string;
  /** TCP connect timeout, milliseconds. */
  connectTimeoutMs: number;
  /** Default time to wait for response headers, milliseconds. */
  headersTimeoutMs: number;
  /** Default longest pause between body chunks, milliseconds. */
  bodyTimeoutMs: number;
  /** Keep-alive connections in the pool. */
  connections: number;
  /** Called with the time to headers of every answered request, seconds. */
  onAnswered?: (label: string, method: string, seconds: number) => void;
  /** Called for every request that failed before an answer: unreachable, timeout, or closed without an answer. */
  onFailed?: (label: string, kind: UpstreamFailure) => void;
}

/** One request toward Synapse. `path` is the raw path and query, sent byte for byte. */
export interface UpstreamRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Readable | Buffer | string | null;
  /** Aborts the request (used when the client goes away from a GET). Never set for mutations. */
  signal?: AbortSignal;
  /** Overrides the default headers timeout (e.g. the long v1 room delete). */
  headersTimeoutMs?: number;
  /** Route template for the metrics; default `pass-through`. */
  label?: string;
}

/**
 * What `Upstream.stream` hands its caller as Synapse's answer arrives: the start (status, headers, and a way to stop
 * and restart reading the body), each body chunk, the end; or, instead of any of them from then on, one failure.
 */
export interface StreamedAnswer {
  start(statusCode: number, headers: Record<string, string | string[] | undefined>, flow: { pause(): void; resume(): void }): void;
  data(chunk: Buffer): void;
  end(): void;
  /**
   * No answer, or not all of it: before `start` the FacadeError (502/504) a failure maps to, or the abort's reason
   * unchanged; after it, whatever cut the body.
   */
  fail(error: unknown): void;
}

/** Synapse's whole answer, as `Upstream.read` gives it. */
export interface UpstreamReply {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Why a request to Synapse got no answer: the `kind` label of `facade_upstream_errors_total`. */
export type UpstreamFailure = 'unreachable' | 'timeout' | 'closed';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
/**
 * The connection was open and Synapse (or Twisted before it) closed or reset it without a complete answer:
 * undici's "other side closed" (UND_ERR_SOCKET), a reset, a broken pipe. Not "unreachable": Synapse was reached.
 */
const CLOSED_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** Classifies an undici/socket failure; undefined for an abort (the client left) or the facade's own error. */
export function upstreamFailure(error: unknown): UpstreamFailure | undefined {
  if (error instanceof FacadeError) return undefined;
  const code = (error as { code?: string } | null)?.code;
  const name = (error as { name?: string } | null)?.name;
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') return undefined;
  // AbortSignal.timeout() rejects with a TimeoutError: a deadline of ours, so a 504 too.
  if (name === 'TimeoutError' || (code && TIMEOUT_CODES.has(code))) return 'timeout';
  if (code && CLOSED_CODES.has(code)) return 'closed';
  return 'unreachable';
}

const FAILURE_ERRORS = {
  timeout: facadeErrors.upstreamTimeout,
  closed: facadeErrors.upstreamClosed,
  unreachable: facadeErrors.upstreamUnreachable,
} as const satisfies Record<UpstreamFailure, () => FacadeError>;

/** Maps an undici/socket failure to the facade's 502/504; an abort or a FacadeError is returned unchanged. */
function mapUpstreamError(error: unknown): unknown {
  const kind = upstreamFailure(error);
  return kind === undefined ? error : FAILURE_ERRORS[kind]();
}

/** The upstream Synapse: a keep-alive undici Pool (pipelining 1, no retries, redirects never followed). */
export class Upstream {
  readonly origin: string;
  readonly #pool: Pool;
  readonly #bodyTimeoutMs: number;
  readonly #headersTimeoutMs: number;
  readonly #onAnswered: UpstreamOptions['onAnswered'];
  readonly #onFailed: UpstreamOptions['onFailed'];

  constructor({ synapseUrl, connectTimeoutMs, headersTimeoutMs, bodyTimeoutMs, connections, onAnswered, onFailed }: UpstreamOptions) {
    this.#onAnswered = onAnswered;
    this.#onFailed = onFailed;
    const url = new URL(synapseUrl);
    this.origin = url.origin;
    this.#headersTimeoutMs = headersTimeoutMs;
    this.#bodyTimeoutMs = bodyTimeoutMs;
    this.#pool = new Pool(this.origin, {
      connections,
      pipelining: 1,
      connect: { timeout: connectTimeoutMs },
      headersTimeout: headersTimeoutMs,
      bodyTimeout: bodyTimeoutMs,
      keepAliveTimeout: 4_000,
    });
  }

  /**
   * Sends one request, exactly once (undici's Pool does not retry and does not follow redirects).
   * Rejects with a FacadeError (502/504) on connection failures and timeouts before the headers arrive.
   */
  async request(request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    const label = request.label ?? 'pass-through';
    const startedAt = process.hrtime.bigint();
    try {
      const response = await this.#pool.request({
        origin: this.origin,
        method: request.method as Dispatcher.HttpMethod,
        path: request.path,
        headers: request.headers,
        body: request.body ?? null,
        signal: request.signal,
        headersTimeout: request.headersTimeoutMs ?? this.#headersTimeoutMs,
        bodyTimeout: this.#bodyTimeoutMs,
      });
      this.#onAnswered?.(label, request.method, Number(process.hrtime.bigint() - startedAt) / 1e9);
      return response;
    } catch (error) {
      const kind = upstreamFailure(error);
      if (kind === undefined) throw error;
      this.#onFailed?.(label, kind);
      throw FAILURE_ERRORS[kind]();
    }
  }

  /**
   * Sends one request whose body, if any, is already in memory, exactly once, like `request`, and hands the answer to
   * `answer` as it arrives: no body stream, no pipe and no AbortSignal, which a passed-through GET otherwise costs (a
   * fifth of its CPU on a young generation as small as the facade's). Returns the request's abort: before the answer
   * starts, `fail` gets its reason; after it ends, it does nothing.
   */
  stream(request: Omit<UpstreamRequest, 'body' | 'signal'> & { body?: Buffer | string | null }, answer: StreamedAnswer): (reason: Error) => void {
    const label = request.label ?? 'pass-through';
    const startedAt = process.hrtime.bigint();
    let controller: Dispatcher.DispatchController | undefined;
    let abortedWith: Error | undefined;
    let started = false;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      const kind = started ? undefined : upstreamFailure(error);
      if (kind === undefined) return answer.fail(error);
      this.#onFailed?.(label, kind);
      answer.fail(FAILURE_ERRORS[kind]());
    };
    const handler: Dispatcher.DispatchHandler = {
      // undici calls this once the request has a connection; an abort that came earlier takes effect here.
      onRequestStart: (requestController) => {
        if (abortedWith) requestController.abort(abortedWith);
        else controller = requestController;
      },
      onResponseStart: (flow, statusCode, headers) => {
        // 1xx: the answer proper is still to come.
        if (statusCode < 200 || settled) return;
        started = true;
        this.#onAnswered?.(label, request.method, Number(process.hrtime.bigint() - startedAt) / 1e9);
        answer.start(statusCode, headers, flow);
      },
      onResponseData: (_flow, chunk) => {
        if (!settled) answer.data(chunk);
      },
      onResponseEnd: () => {
        if (settled) return;
        settled = true;
        answer.end();
      },
      onResponseError: (_flow, error) => fail(error),
    };
    try {
      this.#pool.dispatch(
        {
          origin: this.origin,
          method: request.method as Dispatcher.HttpMethod,
          path: request.path,
          headers: request.headers,
          body: request.body ?? null,
          headersTimeout: request.headersTimeoutMs ?? this.#headersTimeoutMs,
          bodyTimeout: this.#bodyTimeoutMs,
        },
        handler,
      );
    } catch (error) {
      fail(error);
    }
    return (reason) => {
      if (settled) return;
      if (controller) controller.abort(reason);
      else abortedWith = reason;
    };
  }

  /**
   * Sends one request, exactly once, like `request`, and reads Synapse's whole answer (every caller that needs the
   * answer in memory uses it), without a body stream and its promise chain: the chunks are kept as undici hands them
   * over and joined once (one chunk, the usual case for a page read in one go, is used as it is). Rejects as
   * `request` does before the headers, with a 504 or 502 for a body that stalls or is cut, and with the signal's
   * reason when it aborts. `onHeaders` hears Synapse's status as soon as it arrives, before the body (for the log line
   * of an answer cut short).
   */
  read(request: Omit<UpstreamRequest, 'body'> & { body?: Buffer | string | null }, onHeaders?: (statusCode: number) => void): Promise<UpstreamReply> {
    const { signal } = request;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      // 0 until Synapse's headers arrive (an HTTP status is never 0).
      let statusCode = 0;
      let headers: UpstreamReply['headers'] = {};
      const chunks: Buffer[] = [];
      // Listening before the request goes out, so a request that fails at once leaves no listener behind. An abort
      // event comes from a later turn, never from inside `stream`, so `abort` is set by the time it fires.
      const onAbort = () => abort(signal!.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const abort = this.stream(request, {
        start: (status, answerHeaders) => {
          statusCode = status;
          headers = answerHeaders;
          onHeaders?.(status);
        },
        data: (chunk) => {
          chunks.push(chunk);
        },
        end: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve({ statusCode, headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) });
        },
        fail: (error) => {
          signal?.removeEventListener('abort', onAbort);
          // Before the headers `stream` has mapped the failure already; a body cut or stalled is mapped here.
          reject(statusCode !== 0 ? mapUpstreamError(error) : error);
        },
      });
    });
  }

  /** Closes the pool, letting requests in flight finish. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}
