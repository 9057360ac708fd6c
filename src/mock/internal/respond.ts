// Synapse-shaped HTTP responses: headers on every JSON body, success vs error encodings, MatrixError.
import { SYNAPSE_VERSION } from '../constants.ts';

/** CORS headers Synapse sets on every response. Synapse: synapse/http/server.py set_cors_headers */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
  'Access-Control-Allow-Headers': 'X-Requested-With, Content-Type, Authorization, Date',
  'Access-Control-Expose-Headers': 'Synapse-Trace-Id, Server',
};

export function jsonHeaders(): Headers {
  return new Headers({
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, no-store, must-revalidate',
    Server: `Synapse/${SYNAPSE_VERSION}`,
    ...CORS_HEADERS,
  });
}

/** Success body: compact, key order kept, non-ASCII escaped as \uXXXX (Python json.dumps default). */
export function jsonResponse(body: unknown, status = 200): Response {
  const text = JSON.stringify(body).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return new Response(text, { status, headers: jsonHeaders() });
}

/** An error Synapse would answer with; thrown by handlers and rendered by the route wrapper. */
export class MatrixError extends Error {
  readonly status: number;
  readonly errcode: string;
  readonly extra: Record<string, unknown>;
  constructor(status: number, errcode: string, error: string, extra: Record<string, unknown> = {}) {
    super(error);
    this.status = status;
    this.errcode = errcode;
    this.extra = extra;
  }
}

/** Error body: canonical JSON (sorted keys, raw UTF-8). */
export function errorResponse(error: MatrixError): Response {
  const fields: Record<string, unknown> = { errcode: error.errcode, error: error.message, ...error.extra };
  const sorted = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1)));
  return new Response(JSON.stringify(sorted), { status: error.status, headers: jsonHeaders() });
}

export function textResponse(text: string, status = 200): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', Server: `Synapse/${SYNAPSE_VERSION}`, ...CORS_HEADERS } });
}

export const unrecognized = (status: 404 | 405): MatrixError => new MatrixError(status, 'M_UNRECOGNIZED', 'Unrecognized request');
export const internalServerError = (): MatrixError => new MatrixError(500, 'M_UNKNOWN', 'Internal server error');
