// Client-server endpoints admin UIs need to log in: versions, login flows, password login, whoami, logout.
import type { Route } from '../internal/route.ts';
import { MatrixError } from '../internal/respond.ts';
import { readJsonObject } from '../internal/body.ts';
import { ASCII_LETTERS } from '../internal/prng.ts';
import { SERVER_NAME } from '../constants.ts';

const LOGIN = /^\/_matrix\/client\/(?:r0|v3)\/login$/;

export const clientVersionsRoute: Route = {
  methods: ['GET'],
  pattern: /^\/_matrix\/client\/versions$/,
  auth: 'none',
  handle: () => ({ versions: ['r0.6.1', 'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11', 'v1.12'], unstable_features: {} }),
};

export const loginFlowsRoute: Route = {
  methods: ['GET'],
  pattern: LOGIN,
  auth: 'none',
  handle: () => ({ flows: [{ type: 'm.login.password' }, { type: 'm.login.application_service' }] }),
};

/** The user named in a password login: `identifier.user` or the legacy top-level `user`, localpart or MXID. */
function loginUserId(body: Record<string, unknown>): string {
  const identifier = body.identifier as Record<string, unknown> | undefined;
  const user = typeof identifier?.user === 'string' ? identifier.user : body.user;
  if (typeof user !== 'string') throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: user');
  return user.startsWith('@') ? user : `@${user.toLowerCase()}:${SERVER_NAME}`;
}

export const passwordLoginRoute: Route = {
  methods: ['POST'],
  pattern: LOGIN,
  auth: 'none',
  async handle({ request, state }) {
    const body = await readJsonObject(request);
    if (body.type !== 'm.login.password') throw new MatrixError(400, 'M_UNKNOWN', 'Unknown login type');
    const userId = loginUserId(body);
    const user = state.users.get(userId);
    if (user === undefined || user.password !== body.password) throw new MatrixError(403, 'M_FORBIDDEN', 'Invalid username or password');
    const deviceId = typeof body.device_id === 'string' ? body.device_id : state.runtimePrng.chars(10, ASCII_LETTERS.slice(0, 26));
    const accessToken = `syt_${state.runtimePrng.chars(32, ASCII_LETTERS)}`;
    state.tokens.set(accessToken, { userId, deviceId, expired: false });
    return { user_id: userId, access_token: accessToken, home_server: SERVER_NAME, device_id: deviceId };
  },
};

export const whoamiRoute: Route = {
  methods: ['GET'],
  pattern: /^\/_matrix\/client\/(?:r0|v3)\/account\/whoami$/,
  auth: 'user',
  handle: ({ requester }) => ({ user_id: requester.userId, is_guest: false, device_id: requester.deviceId }),
};

export const logoutRoute: Route = {
  methods: ['POST'],
  pattern: /^\/_matrix\/client\/(?:r0|v3)\/logout$/,
  auth: 'user',
  handle({ requester, state }) {
    state.tokens.delete(requester.accessToken);
    return {};
  },
};

export const logoutAllRoute: Route = {
  methods: ['POST'],
  pattern: /^\/_matrix\/client\/(?:r0|v3)\/logout\/all$/,
  auth: 'user',
  handle({ requester, state }) {
    for (const [token, record] of state.tokens) if (record.userId === requester.userId) state.tokens.delete(token);
    return {};
  },
};
