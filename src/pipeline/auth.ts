// Token presence checks Synapse makes before anything else on an admin route (§1.2 of the reference).
import type { IncomingMessage } from 'node:http';
import { FacadeError } from '../errors.ts';
import type { QueryArgs } from '../internal/query.ts';

const missingToken = (error: string) => new FacadeError(401, 'M_MISSING_TOKEN', error);

/**
 * Returns the access token exactly as Synapse would extract it, or throws Synapse's 401 M_MISSING_TOKEN.
 * The token is only read to tell whether one is there; the request is forwarded with its
 * Authorization header or access_token parameter unchanged.
 * Synapse: synapse/api/auth/base.py get_access_token_from_request
 */
export function requireAccessToken(incoming: IncomingMessage, args: QueryArgs): string {
  const authHeaders = incoming.headersDistinct.authorization;
  const queryTokens = args.get('access_token');
  if (authHeaders && authHeaders.length > 0) {
    if (queryTokens !== undefined) {
      throw missingToken('Mixing Authorization headers and access_token query parameters.');
    }
    if (authHeaders.length > 1) throw missingToken('Too many Authorization headers.');
    const parts = authHeaders[0]!.split(' ');
    if (parts[0] === 'Bearer' && parts.length === 2) return parts[1]!;
    throw missingToken('Invalid Authorization header.');
  }
  if (!queryTokens || queryTokens.length === 0) throw missingToken('Missing access token');
  return queryTokens[0]!.toString('latin1');
}

/**
 * The token a request carries, if it carries exactly one the way Synapse reads it (header `Bearer`, else
 * the first `access_token` query value); `undefined` for none or an ambiguous one. Never throws: used on
 * pass-through, where Synapse itself answers malformed credentials.
 */
export function findAccessToken(incoming: IncomingMessage, args: QueryArgs): string | undefined {
  try {
    return requireAccessToken(incoming, args);
  } catch {
    return undefined;
  }
}
