// Header rules of every request the facade forwards: the owned routes' allowlist, hop-by-hop stripping for
// pass-through, and X-Forwarded-*.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { FacadeError } from '../errors.ts';

/** RFC 9110 §7.6.1 hop-by-hop headers, plus headers the facade's own connection owns. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
  'http2-settings',
]);

/**
 * Header names this message's `Connection` header declares hop-by-hop. `Authorization` is never one of
 * them: the token the gate judged must be the token Synapse receives.
 */
function connectionListed(headers: IncomingHttpHeaders | Record<string, unknown>): Set<string> {
  const value = headers.connection;
  if (typeof value !== 'string') return new Set();
  const listed = new Set(value.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean));
  listed.delete('authorization');
  return listed;
}

/** Request headers an owned route forwards: what Synapse's admin servlets read, nothing else of the client's. */
const OWNED_ROUTE_HEADERS = new Set(['authorization', 'content-type', 'accept', 'accept-language', 'user-agent']);

/**
 * Most header bytes (names, values, separators) an owned route forwards, well under Twisted's limits
 * (500 headers; 16,384 bytes of request line and headers), past which Twisted answers a bare pre-auth 400.
 */
export const MAX_FORWARDED_HEADER_BYTES = 8_192;

/** The facade's own 431 for an owned-route request whose forwarded headers would be too large. */
export const headersTooLarge = () =>
  new FacadeError(431, 'M_TOO_LARGE', `Request headers too large: the admin facade forwards at most ${MAX_FORWARDED_HEADER_BYTES} bytes of headers to Synapse`);

/**
 * The headers an owned route sends to Synapse: an allowlist (Authorization, Content-Type, Accept,
 * Accept-Language, User-Agent), the facade's request id, and the X-Forwarded-* the facade sets. Forwards the
 * Authorization header unchanged. Throws the 431 when they exceed {@link MAX_FORWARDED_HEADER_BYTES}.
 */
export function ownedRouteHeaders(
  incoming: IncomingMessage,
  { trustedProxies, requestId }: { trustedProxies: readonly string[]; requestId?: string },
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const raw = incoming.rawHeaders;
  let bytes = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (!OWNED_ROUTE_HEADERS.has(name)) continue;
    const value = raw[i + 1]!;
    bytes += name.length + value.length + 4;
    const existing = headers[name];
    if (existing === undefined) headers[name] = value;
    else headers[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  if (requestId !== undefined) headers['x-request-id'] = requestId;
  Object.assign(headers, forwardedFor(incoming, trustedProxies));
  for (const name of ['x-request-id', 'x-forwarded-for', 'x-forwarded-proto']) bytes += name.length + String(headers[name] ?? '').length + 4;
  if (bytes > MAX_FORWARDED_HEADER_BYTES) throw headersTooLarge();
  return headers;
}

/** `X-Forwarded-For` and `-Proto` as the facade sets them (appended to only from a trusted proxy). */
function forwardedFor(incoming: IncomingMessage, trustedProxies: readonly string[]): Record<string, string> {
  const peer = normalisePeer(incoming.socket.remoteAddress ?? '');
  const ownProto = 'encrypted' in incoming.socket && incoming.socket.encrypted ? 'https' : 'http';
  const trusted = trustedProxies.includes(peer);
  const priorFor = incoming.headers['x-forwarded-for'];
  const priorProto = incoming.headers['x-forwarded-proto'];
  return {
    'x-forwarded-for': trusted && priorFor ? `${priorFor}, ${peer}` : peer,
    'x-forwarded-proto': trusted && typeof priorProto === 'string' ? priorProto : ownProto,
  };
}

/** Options for building the upstream request headers. */
export interface ForwardHeaderOptions {
  /** Peer addresses whose X-Forwarded-For/-Proto are kept (appended to); default none. */
  trustedProxies: readonly string[];
}

/**
 * Builds the headers a passed-through request is sent with: end-to-end headers unchanged (Authorization and
 * Content-Length included, forwarded as received, the body being streamed as it comes), hop-by-hop ones dropped, `X-Forwarded-For` and `X-Forwarded-Proto` set by the facade —
 * overwritten unless the peer is a trusted proxy, in which case the peer address is appended.
 */
export function upstreamRequestHeaders(
  incoming: IncomingMessage,
  { trustedProxies }: ForwardHeaderOptions,
): Record<string, string | string[]> {
  const listed = connectionListed(incoming.headers);
  const headers: Record<string, string | string[]> = {};
  const raw = incoming.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || listed.has(name)) continue;
    if (name === 'x-forwarded-for' || name === 'x-forwarded-proto') continue;
    const existing = headers[name];
    const value = raw[i + 1]!;
    if (existing === undefined) headers[name] = value;
    else headers[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return Object.assign(headers, forwardedFor(incoming, trustedProxies));
}

/** Response headers from Synapse minus hop-by-hop ones, ready to be sent to the client. */
export function clientResponseHeaders(
  headers: Record<string, string | string[] | undefined>,
  { dropLength = false }: { dropLength?: boolean } = {},
): Record<string, string | string[]> {
  const listed = connectionListed(headers);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    if (dropLength && (name === 'content-length' || name === 'content-encoding')) continue;
    out[name] = value;
  }
  return out;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so IPv4 peers match IPv4 entries in TRUSTED_PROXIES. */
function normalisePeer(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
