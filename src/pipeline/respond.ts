// Writing answers straight to the Node response: Synapse's CORS and cache headers on every one of them.
import type { ServerResponse } from 'node:http';
import type { FacadeError } from '../errors.ts';

/** Response headers the facade adds that a browser client may read (X-Facade-Cache, X-Facade-Source, X-Request-Id). */
const FACADE_EXPOSED_HEADERS = ['X-Facade-Cache', 'X-Facade-Source', 'X-Request-Id'];

/** Lists seen before (Synapse sends one or two different ones), so a passed-through answer does not split them again. */
const exposedLists = new Map<string, string>();
const MAX_EXPOSED_LISTS = 64;

/** Adds the facade's exposed headers to an `Access-Control-Expose-Headers` list, each name once. */
export function exposeFacadeHeaders(list: string): string {
  let exposed = exposedLists.get(list);
  if (exposed === undefined) {
    exposed = withFacadeHeaders(list);
    if (exposedLists.size >= MAX_EXPOSED_LISTS) exposedLists.clear();
    exposedLists.set(list, exposed);
  }
  return exposed;
}

function withFacadeHeaders(list: string): string {
  const names = list.split(',').map((name) => name.trim()).filter(Boolean);
  const present = new Set(names.map((name) => name.toLowerCase()));
  return [...names, ...FACADE_EXPOSED_HEADERS.filter((name) => !present.has(name.toLowerCase()))].join(', ');
}

/**
 * Synapse's CORS headers, set on every response on a Synapse path (errors included), with the facade's own
 * headers added to the exposed list. Synapse: synapse/http/server.py set_cors_headers (1.163.2 exposes
 * `Synapse-Trace-Id, Server`, plus `ETag` on the rendezvous paths, which pass through with Synapse's own).
 */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization, Date',
  'access-control-expose-headers': exposeFacadeHeaders('Synapse-Trace-Id, Server'),
};

/**
 * The CORS headers of a passed-through answer: Synapse's own where it sent them (its rendezvous paths
 * differ from the rest), the facade's defaults where it did not, and the facade's exposed headers added.
 */
export function passThroughCorsHeaders(upstream: Readonly<Record<string, unknown>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, fallback] of Object.entries(CORS_HEADERS)) {
    const sent = upstream[name];
    headers[name] = typeof sent === 'string' ? sent : Array.isArray(sent) ? sent.join(', ') : fallback;
  }
  headers['access-control-expose-headers'] = exposeFacadeHeaders(headers['access-control-expose-headers']!);
  return headers;
}

/** Headers Synapse puts on every JSON answer. */
export const JSON_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  'cache-control': 'no-cache, no-store, must-revalidate',
  ...CORS_HEADERS,
};

/** Writes a complete body with a Content-Length; CORS headers are always added. */
export function sendBytes(
  outgoing: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: Buffer,
): void {
  if (outgoing.headersSent || outgoing.destroyed) return;
  outgoing.writeHead(status, { ...headers, ...CORS_HEADERS, 'content-length': String(body.length) });
  outgoing.end(body);
}

/** Writes a JSON value with Synapse's JSON headers. */
export function sendJson(outgoing: ServerResponse, status: number, value: unknown): void {
  sendBytes(outgoing, status, { ...JSON_HEADERS }, Buffer.from(JSON.stringify(value)));
}

/** Writes one of the facade's own Matrix errors. */
export function sendError(outgoing: ServerResponse, error: FacadeError): void {
  sendJson(outgoing, error.status, error.toBody());
}
