// /.well-known/matrix/client never sends a client to Synapse's own URL: base_url is the facade's.
import type { ServerResponse } from 'node:http';
import type { FacadeContext } from '../pipeline/context.ts';
import { sendJson } from '../pipeline/respond.ts';

export const WELL_KNOWN_CLIENT_PATH = '/.well-known/matrix/client';

/**
 * Answers with Synapse's own well-known document when it has one (so identity-server and other keys
 * survive) but with `m.homeserver.base_url` replaced by the facade's public base URL.
 */
export async function answerWellKnown(context: FacadeContext, outgoing: ServerResponse): Promise<void> {
  const baseUrl = context.config.publicBaseUrl ?? `http://${context.config.host}:${context.config.port}`;
  let document: Record<string, unknown> = {};
  try {
    const response = await context.upstream.read({ method: 'GET', path: WELL_KNOWN_CLIENT_PATH, headers: {} });
    const parsed: unknown = response.statusCode === 200 ? JSON.parse(response.body.toString('utf8')) : null;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) document = parsed as Record<string, unknown>;
  } catch {
    // Synapse without a well-known document (the default) or unreachable: the facade's answer stands alone.
  }
  const homeserver = (document['m.homeserver'] ?? {}) as Record<string, unknown>;
  sendJson(outgoing, 200, { ...document, 'm.homeserver': { ...homeserver, base_url: baseUrl.replace(/\/$/, '') } });
}
