// One JSON log line and the request metrics per request, keyed by a request id the client can see.
// Only route templates are logged, never paths, query strings or headers: tokens cannot leak here.
import { randomUUID } from 'node:crypto';
import { ServerResponse, type IncomingMessage, type OutgoingHttpHeader, type OutgoingHttpHeaders } from 'node:http';
import { symbols } from 'pino';
import type { Logger } from '../log.ts';
import type { FacadeMetrics } from './metrics.ts';

/** What is known about one request while it is answered. */
export interface RequestRecord {
  id: string;
  method: string;
  /** Route template (owned route name, `pass-through`, `/_facade/…`); set once the route is known. */
  route: string;
  startedAt: bigint;
  upstreamStatus?: number;
  cache?: string;
  /** The facade itself cut the answer short (an upstream failure after the headers were sent). */
  cut?: boolean;
  /** Why the request was refused before routing (a bad Host…): the facade's own text, never client input. */
  rejection?: string;
}

/**
 * Where a request's record is kept: on the request itself. A WeakMap keyed by the request cost about half a
 * microsecond a request, most of it the GC's work on its ephemeron table (one entry per request in flight or
 * not yet collected).
 */
const RECORD = Symbol('facade.requestRecord');
type Recorded = IncomingMessage & { [RECORD]?: RequestRecord };

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type HeadersArgument = OutgoingHttpHeaders | OutgoingHttpHeader[] | undefined;

/** The headers an answer is written with, `X-Request-Id` added unless the writer set it (then the writer's wins). */
function withRequestId(headers: HeadersArgument, id: string): OutgoingHttpHeaders | OutgoingHttpHeader[] {
  if (headers === undefined) return { 'x-request-id': id };
  if (!Array.isArray(headers)) return { 'x-request-id': id, ...headers };
  const named = headers.some((value, i) => i % 2 === 0 && String(value).toLowerCase() === 'x-request-id');
  return named ? headers : (['x-request-id', id, ...headers] as OutgoingHttpHeader[]);
}

/**
 * The facade's server response: the request id goes out with the headers the answer is written with. Set with
 * setHeader before writeHead, it sent every answer down Node's header slow path (each header stored again one by
 * one): about 6% of a cache hit's CPU.
 */
export class RequestIdResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** Set by startRequestRecord. */
  requestId: string | undefined;

  override writeHead(statusCode: number, reason?: string | HeadersArgument, headers?: HeadersArgument): this {
    const id = this.requestId;
    if (id === undefined) return super.writeHead(statusCode, reason as string, headers);
    return typeof reason === 'string' ? super.writeHead(statusCode, reason, withRequestId(headers, id)) : super.writeHead(statusCode, withRequestId(reason, id));
  }
}

/** The record of a request (created by startRequestRecord). */
export function recordOf(incoming: IncomingMessage): RequestRecord | undefined {
  return (incoming as Recorded)[RECORD];
}

/** Notes that the facade cut this answer short itself, so it is not counted as the client going away. */
export function noteCut(incoming: IncomingMessage): void {
  const record = recordOf(incoming);
  if (record) record.cut = true;
}

/** Notes Synapse's status for the request's log line. */
export function noteUpstreamStatus(incoming: IncomingMessage, status: number): void {
  const record = recordOf(incoming);
  if (record) record.upstreamStatus = status;
}

/** Each logger's fixed part of a line (`,"service":…` and any child's bindings), as pino writes it. */
const linePrefixes = new WeakMap<Logger, string>();

function prefixOf(logger: Logger): string {
  let prefix = linePrefixes.get(logger);
  if (prefix === undefined) {
    const bindings = JSON.stringify(logger.bindings());
    prefix = bindings === '{}' ? '' : `,${bindings.slice(1, -1)}`;
    linePrefixes.set(logger, prefix);
  }
  return prefix;
}

/** Route templates, methods, cache results and rejection texts as JSON strings: a few dozen texts, each quoted once. */
const quotedTexts = new Map<string, string>();
const QUOTED_TEXTS_MAX = 1_000;

function quoted(text: string): string {
  let json = quotedTexts.get(text);
  if (json === undefined) {
    json = JSON.stringify(text);
    if (quotedTexts.size < QUOTED_TEXTS_MAX) quotedTexts.set(text, json);
  }
  return json;
}

/**
 * The request's info line, byte for byte what `logger.info(fields, 'request')` writes for a logger whose fixed part is
 * `prefix`. Built as one string, without the fields object, its JSON.stringify and pino's generic path (its redaction
 * among it), which cost several times more than this one fixed line: its texts are route templates, statuses and
 * ids, never anything a client chose freely or a token. The id needs no quoting: it is a UUID or matched
 * SAFE_REQUEST_ID.
 */
export function requestLine(prefix: string, time: number, record: RequestRecord, status: number, durationMs: number, incomplete: boolean): string {
  return `{"level":30,"time":${time}${prefix},"request_id":"${record.id}","method":${quoted(record.method)},"route":${quoted(record.route)},"status":${status},"duration_ms":${durationMs}${
    record.upstreamStatus !== undefined ? `,"upstream_status":${record.upstreamStatus}` : ''}${
    record.cache ? `,"cache":${quoted(record.cache)}` : ''}${record.rejection ? `,"rejected":${quoted(record.rejection)}` : ''}${
    incomplete ? (record.cut ? ',"cut":true' : ',"aborted":true') : ''},"msg":"request"}\n`;
}

/** Writes the request's line to the logger's destination directly (see requestLine). */
function writeRequestLine(logger: Logger, record: RequestRecord, status: number, durationMs: number, incomplete: boolean): void {
  if (!logger.isLevelEnabled('info')) return;
  const destination = (logger as unknown as Record<symbol, { write(line: string): void }>)[symbols.streamSym]!;
  destination.write(requestLine(prefixOf(logger), Date.now(), record, status, durationMs, incomplete));
}

/**
 * Starts tracking a request: takes `X-Request-Id` from the client when it is a plain token (else makes
 * one), returns it on the answer, and when the answer ends (or the client leaves) writes the log line
 * and updates the request metrics. A client that leaves early (mid-upload included) is an info line with
 * `aborted: true` and a count in facade_client_aborts_total, never an error.
 */
export function startRequestRecord(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  { logger, metrics }: { logger: Logger; metrics: FacadeMetrics },
): RequestRecord {
  const offered = incoming.headers['x-request-id'];
  const id = typeof offered === 'string' && SAFE_REQUEST_ID.test(offered) ? offered : randomUUID();
  const record: RequestRecord = { id, method: incoming.method ?? 'GET', route: 'unmatched', startedAt: process.hrtime.bigint() };
  (incoming as Recorded)[RECORD] = record;
  if (outgoing instanceof RequestIdResponse) outgoing.requestId = id;
  else outgoing.setHeader('x-request-id', id);
  metrics.inFlight.inc();
  // Node emits a response's 'close' once (emitCloseNT checks _closed): `on` spares once's wrapper and its removal.
  outgoing.on('close', () => {
    metrics.inFlight.dec();
    const seconds = Number(process.hrtime.bigint() - record.startedAt) / 1e9;
    const status = outgoing.headersSent ? outgoing.statusCode : 0;
    const incomplete = !outgoing.writableFinished;
    if (incomplete && !record.cut) metrics.clientAborts.inc({ route: record.route });
    metrics.requests.inc({ route: record.route, method: record.method, status: String(status) });
    metrics.requestDuration.observe({ route: record.route, method: record.method }, seconds);
    writeRequestLine(logger, record, status, Math.round(seconds * 1e6) / 1e3, incomplete);
  });
  return record;
}
