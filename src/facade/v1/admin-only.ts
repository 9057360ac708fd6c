// The gate of the facade's own APIs: a request runs only for a token Synapse proves to be a server admin's.
import type { MiddlewareHandler } from 'hono';
import { parseSynapseQuery, splitTarget } from '../../internal/query.ts';
import { requireAccessToken } from '../../pipeline/auth.ts';
import type { FacadeContext } from '../../pipeline/context.ts';
import { createGateLookup } from '../../pipeline/probe.ts';
import type { FacadeApiEnv } from './declare.ts';

/**
 * Positive proof only: Synapse's whoami names the user (200) and its admin API says `admin: true`, whatever
 * VERIFY_ADMINS is. A missing or unknown token gets Synapse's 401, a non-admin its 403, and an unreachable
 * Synapse a 502/504 — never access. The verdict is kept for ADMIN_VERDICT_TTL_MS like the owned routes'.
 */
export function adminOnly(context: FacadeContext): MiddlewareHandler<FacadeApiEnv> {
  return async (c, next) => {
    const incoming = c.env.incoming;
    const { rawQuery } = splitTarget(incoming.url ?? '/');
    const token = requireAccessToken(incoming, parseSynapseQuery(rawQuery));
    const userId = await context.apiGate.verify(token, createGateLookup(context, { token, rawQuery }));
    context.newestAdminToken = token;
    c.set('admin', { userId, token });
    await next();
  };
}
