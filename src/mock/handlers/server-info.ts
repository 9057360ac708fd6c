// Unauthenticated probes (health, server_version) and the admin user lookup UIs use to verify admins.
import { readJsonObject } from '../internal/body.ts';
import type { Route } from '../internal/route.ts';
import { MatrixError, textResponse } from '../internal/respond.ts';
import { assertUserIdShape, isMineId } from '../internal/ids.ts';

export const healthRoute: Route = {
  methods: ['GET'],
  pattern: /^\/health$/,
  auth: 'none',
  handle: () => textResponse('OK'),
};

export const serverVersionRoute: Route = {
  methods: ['GET'],
  pattern: /^\/_synapse\/admin\/v1\/server_version$/,
  auth: 'none',
  handle: ({ state }) => ({ server_version: state.release.version }),
};

export const adminUserRoute: Route = {
  methods: ['GET'],
  pattern: /^\/_synapse\/admin\/v2\/users\/([^/]*)$/,
  auth: 'admin',
  handle({ params, state }) {
    const userId = params[0] ?? '';
    assertUserIdShape(userId);
    if (!isMineId(userId)) throw new MatrixError(400, 'M_UNKNOWN', 'Can only look up local users');
    const user = state.users.get(userId);
    if (user === undefined) throw new MatrixError(404, 'M_NOT_FOUND', 'User not found');
    return {
      name: user.userId, displayname: user.displayname, threepids: [], avatar_url: null, is_guest: 0,
      admin: user.admin, deactivated: false, erased: false, shadow_banned: false, creation_ts: 1_700_000_000,
      appservice_id: null, consent_server_notice_sent: null, consent_version: null, consent_ts: null,
      external_ids: [], user_type: null, locked: false, suspended: false,
    };
  },
};

/** GET /_synapse/admin/v1/users/{user_id}/admin — Synapse's UserAdminServlet (used to verify admins). */
export const userAdminFlagRoute: Route = {
  methods: ['GET'],
  pattern: /^\/_synapse\/admin\/v1\/users\/([^/]*)\/admin$/,
  auth: 'admin',
  handle({ params, state }) {
    const userId = params[0] ?? '';
    // Synapse: rest/admin/users.py UserAdminServlet.on_GET — UserID.from_string, is_mine, is_server_admin.
    assertUserIdShape(userId);
    if (!isMineId(userId)) throw new MatrixError(400, 'M_UNKNOWN', 'Only local users can be admins of this homeserver');
    return { admin: state.users.get(userId)?.admin ?? false };
  },
};

/** PUT /_synapse/admin/v1/users/{user_id}/admin `{"admin": bool}` — Synapse's UserAdminServlet.on_PUT (promote, demote). */
export const setUserAdminFlagRoute: Route = {
  methods: ['PUT'],
  pattern: /^\/_synapse\/admin\/v1\/users\/([^/]*)\/admin$/,
  auth: 'admin',
  async handle({ params, state, request, requester }) {
    const userId = params[0] ?? '';
    assertUserIdShape(userId);
    if (!isMineId(userId)) throw new MatrixError(400, 'M_UNKNOWN', 'Only local users can be admins of this homeserver');
    const body = await readJsonObject(request);
    if (typeof body.admin !== 'boolean') throw new MatrixError(400, 'M_MISSING_PARAM', "Missing parameter 'admin'");
    if (userId === requester.userId && !body.admin) throw new MatrixError(400, 'M_UNKNOWN', 'You may not demote yourself.');
    const user = state.users.get(userId);
    if (user === undefined) throw new MatrixError(404, 'M_NOT_FOUND', 'User not found');
    user.admin = body.admin;
    return {};
  },
};
