// Header rules shared by every request the facade forwards: hop-by-hop stripping and X-Forwarded-*.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

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

/** Header names this message's `Connection` header declares hop-by-hop. */
function connectionListed(headers: IncomingHttpHeaders | Record<string, unknown>): Set<string> {
  const value = headers.connection;
  if (typeof value !== 'string') return new Set();
  return new Set(value.split(',').map((name) => name.trim().toLowerCase()).filter(Boolean));
}

/** Options for building the upstream request headers. */
export interface ForwardHeaderOptions {
  /** Peer addresses whose X-Forwarded-For/-Proto are kept (appended to); default none. */
  trustedProxies: readonly string[];
  /** Keep the client's Content-Length (pass-through streams the body as received). Default false. */
  keepContentLength?: boolean;
}

/**
 * Builds the headers sent to Synapse: end-to-end headers unchanged (Authorization included, forwarded as
 * received), hop-by-hop ones dropped, `X-Forwarded-For` and `X-Forwarded-Proto` set by the facade —
 * overwritten unless the peer is a trusted proxy, in which case the peer address is appended.
 */
export function upstreamRequestHeaders(
  incoming: IncomingMessage,
  { trustedProxies, keepContentLength = false }: ForwardHeaderOptions,
): Record<string, string | string[]> {
  const listed = connectionListed(incoming.headers);
  const headers: Record<string, string | string[]> = {};
  const raw = incoming.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || listed.has(name)) continue;
    if (name === 'x-forwarded-for' || name === 'x-forwarded-proto') continue;
    // Owned routes re-send the body from a buffer (or none): undici sets the length itself then.
    if (name === 'content-length' && !keepContentLength) continue;
    const existing = headers[name];
    const value = raw[i + 1]!;
    if (existing === undefined) headers[name] = value;
    else headers[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const peer = normalisePeer(incoming.socket.remoteAddress ?? '');
  const ownProto = 'encrypted' in incoming.socket && incoming.socket.encrypted ? 'https' : 'http';
  const trusted = trustedProxies.includes(peer);
  const priorFor = incoming.headers['x-forwarded-for'];
  const priorProto = incoming.headers['x-forwarded-proto'];
  headers['x-forwarded-for'] = trusted && priorFor ? `${priorFor}, ${peer}` : peer;
  headers['x-forwarded-proto'] = trusted && typeof priorProto === 'string' ? priorProto : ownProto;
  return headers;
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
