// Read-only questions the facade asks Synapse on the caller's behalf before answering a request.
import { FacadeError } from '../errors.ts';
import type { FacadeContext } from './context.ts';
import type { Probe } from './owned-route.ts';
import { verbatimPairs } from './upstream-target.ts';

/**
 * A probe that GETs `path` with the caller's own credentials — its headers, and its `access_token` /
 * `user_id` query pairs verbatim — so Synapse applies the caller's rights. Runs in a limiter slot.
 */
export function createProbe(context: FacadeContext, headers: Record<string, string | string[]>, rawQuery: string): Probe {
  const credentials = verbatimPairs(rawQuery).join('&');
  return async (path) => {
    const target = credentials ? `${path}${path.includes('?') ? '&' : '?'}${credentials}` : path;
    const { response, bytes } = await context.limiter.run(async () => {
      const answer = await context.upstream.request({ method: 'GET', path: target, headers, label: 'probe' });
      return { response: answer, bytes: await context.upstream.readBody(answer) };
    });
    let body: unknown = null;
    try {
      body = JSON.parse(bytes.toString('utf8'));
    } catch {
      // Non-JSON answers carry no information a route can use.
    }
    return { status: response.statusCode, body };
  };
}

/**
 * Synapse's server_name: SYNAPSE_SERVER_NAME, or the domain of the caller's user ID from whoami
 * (an admin is always a local user). Cached once learnt.
 */
export async function discoverServerName(context: FacadeContext, probe: Probe): Promise<string> {
  if (context.config.synapseServerName) return context.config.synapseServerName;
  if (context.serverName) return context.serverName;
  const { status, body } = await probe('/_matrix/client/v3/account/whoami');
  const userId = (body as { user_id?: unknown } | null)?.user_id;
  if (status !== 200 || typeof userId !== 'string' || !userId.includes(':')) {
    if (status >= 400 && status < 500 && body && typeof body === 'object') {
      const { errcode, error } = body as { errcode?: string; error?: string };
      throw new FacadeError(status, errcode ?? 'M_UNKNOWN', error ?? 'Unknown error');
    }
    throw new FacadeError(502, 'M_UNKNOWN', 'Could not learn the server name from Synapse');
  }
  context.serverName = userId.slice(userId.indexOf(':') + 1);
  return context.serverName;
}
