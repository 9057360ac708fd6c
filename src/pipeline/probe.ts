// Read-only questions the facade asks Synapse on the caller's behalf before answering a request.
import { FacadeError } from '../errors.ts';
import type { FacadeContext } from './context.ts';
import { isTokenRefusalStatus, type Lookup } from '../protection/admin-gate.ts';
import type { Probe } from './owned-route.ts';
import { verbatimPairs } from './upstream-target.ts';

/** GETs `target` toward Synapse in a limiter slot; answers status and JSON (null when not JSON). */
async function getJson(context: FacadeContext, target: string, headers: Record<string, string | string[]>): Promise<{ status: number; body: unknown }> {
  const answer = await context.limiter.run(() => context.upstream.read({ method: 'GET', path: target, headers, label: 'probe' }));
  let body: unknown = null;
  try {
    body = JSON.parse(answer.body.toString('utf8'));
  } catch {
    // Non-JSON answers carry no information a route can use.
  }
  return { status: answer.statusCode, body };
}

/**
 * A probe that GETs `path` with the caller's own credentials — its (allowlisted) headers, and its
 * `access_token` / `user_id` query pairs verbatim — so Synapse applies the caller's rights. A 401/403 to it
 * ends whatever verdict the gate kept for the token.
 */
export function createProbe(
  context: FacadeContext,
  { headers, rawQuery, token }: { headers: Record<string, string | string[]>; rawQuery: string; token: string },
): Probe {
  // Worked out on the first question: most requests (a cache hit, say) never ask one.
  let credentials: string | undefined;
  return async (path) => {
    credentials ??= verbatimPairs(rawQuery).join('&');
    const target = credentials ? `${path}${path.includes('?') ? '&' : '?'}${credentials}` : path;
    const answer = await getJson(context, target, headers);
    if (isTokenRefusalStatus(answer.status)) context.gate?.forget(token);
    return answer;
  };
}

/** Characters a token may have to travel in an Authorization header (Synapse's own tokens always do). */
const HEADER_SAFE_TOKEN = /^[!-~]+$/;

const ACCESS_TOKEN_KEY: ReadonlySet<string> = new Set(['access_token']);

/**
 * The gate's explicit lookup (whoami, then the admin flag): it carries the token and nothing else of the
 * client's request — no client header, no other query parameter — so the client cannot shape Synapse's
 * answer. A token that cannot travel in a header came in the query string: its own first `access_token`
 * pair goes, verbatim, as the only query parameter.
 */
export function createGateLookup(context: FacadeContext, { token, rawQuery }: { token: string; rawQuery: string }): Lookup {
  // Worked out on the first lookup: a token with a verdict is never looked up.
  let how: { headers: Record<string, string>; queryToken: string | undefined } | undefined;
  return (path) => {
    if (how === undefined) {
      const inHeader = HEADER_SAFE_TOKEN.test(token);
      how = {
        headers: inHeader ? { authorization: `Bearer ${token}` } : {},
        queryToken: inHeader ? undefined : verbatimPairs(rawQuery, ACCESS_TOKEN_KEY)[0],
      };
    }
    const { headers, queryToken } = how;
    return getJson(context, queryToken ? `${path}${path.includes('?') ? '&' : '?'}${queryToken}` : path, headers);
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
