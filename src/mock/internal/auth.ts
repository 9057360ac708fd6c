// Access-token authentication and the admin check, with Synapse's texts (synapse/api/auth/base.py, internal.py).
import type { MockState } from '../data.ts';
import type { QueryArgs } from './query.ts';
import { MatrixError } from './respond.ts';

/** The authenticated caller. */
export interface Requester {
  userId: string;
  deviceId: string;
  accessToken: string;
}

const missing = (message: string): MatrixError => new MatrixError(401, 'M_MISSING_TOKEN', message);

/** Synapse: get_access_token_from_request. */
function accessTokenOf(request: Request, query: QueryArgs): string {
  const header = request.headers.get('authorization');
  const queryToken = query.get('access_token');
  if (header !== null) {
    if (queryToken !== undefined) throw missing('Mixing Authorization headers and access_token query parameters.');
    const parts = header.split(' ');
    if (parts[0] === 'Bearer' && parts.length === 2) return parts[1] ?? '';
    throw missing('Invalid Authorization header.');
  }
  const first = queryToken?.[0];
  if (first === undefined) throw missing('Missing access token');
  return new TextDecoder('latin1').decode(first);
}

/** Authenticates any user. */
export function authenticate(state: MockState, request: Request, query: QueryArgs): Requester {
  const accessToken = accessTokenOf(request, query);
  const token = state.tokens.get(accessToken);
  if (token === undefined) throw new MatrixError(401, 'M_UNKNOWN_TOKEN', 'Invalid access token passed.', { soft_logout: false });
  if (token.expired) throw new MatrixError(401, 'M_UNKNOWN_TOKEN', 'Access token has expired', { soft_logout: true });
  return { userId: token.userId, deviceId: token.deviceId, accessToken };
}

/** Authenticates and requires a server admin (403 otherwise). */
export function authenticateAdmin(state: MockState, request: Request, query: QueryArgs): Requester {
  const requester = authenticate(state, request, query);
  if (state.users.get(requester.userId)?.admin !== true) throw new MatrixError(403, 'M_FORBIDDEN', 'You are not a server admin');
  return requester;
}
