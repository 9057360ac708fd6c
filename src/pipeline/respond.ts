// Writing answers straight to the Node response: Synapse's CORS and cache headers on every one of them.
import type { ServerResponse } from 'node:http';
import type { FacadeError } from '../errors.ts';

/** Synapse's CORS headers, set on every response (errors included). Synapse: synapse/http/server.py set_cors_headers */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization, Date',
  'access-control-expose-headers': 'Synapse-Trace-Id, Server',
};

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
