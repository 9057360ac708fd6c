// Who tried to log in through the facade, read from a bounded prefix of the login request and of its 200
// answer: the user and the login type only, never the password, a login token or the answer's access token.
import { jsonObjectOf } from '../internal/exact-json.ts';

/** Synapse: synapse/rest/client/login.py LoginRestServlet, `client_patterns("/login$", v1=True)`. */
export const LOGIN_PATH = /^\/_matrix\/client\/(?:api\/v1|r0|v3|unstable)\/login$/;

/** How much of a login request, and of its answer, is read (bytes); a login is a few hundred. */
export const LOGIN_READ_LIMIT_BYTES = 16 * 1024;

/** Longest user kept, characters (Synapse: synapse/types/__init__.py, user IDs are at most 255). */
const MAX_USER_LENGTH = 255;
/** Longest login type kept, characters: the Matrix types are short, anything longer is not one. */
const MAX_TYPE_LENGTH = 64;

/** Who tried to log in and how, as far as the request says. */
export interface LoginAttempt {
  /** The user ID (a localpart qualified with the server name when known), or `medium:address`; null when unknown. */
  user: string | null;
  /** The body's `type`, e.g. `m.login.password`; null when absent or not a short string. */
  loginType: string | null;
}

const stringOf = (value: unknown, maxLength: number): string | null =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, maxLength) : null;

/** `@localpart:server`, as Synapse qualifies a bare localpart (synapse/handlers/auth.py validate_login). */
function qualified(user: string, serverName: string | undefined): string {
  return user.startsWith('@') || serverName === undefined ? user : `@${user}:${serverName}`;
}

/**
 * The user a login body names: `identifier` (m.id.user, m.id.thirdparty, m.id.phone) or the legacy top-level
 * `user` / `medium` + `address` (Synapse: synapse/handlers/auth.py convert_client_dict_legacy_fields_to_identifier,
 * login_id_phone_to_thirdparty, which also takes the old `number` for `phone`).
 */
function userOf(body: Record<string, unknown>, serverName: string | undefined): string | null {
  const identifier = body.identifier;
  if (identifier !== null && typeof identifier === 'object' && !Array.isArray(identifier)) {
    const fields = identifier as Record<string, unknown>;
    const user = stringOf(fields.user, MAX_USER_LENGTH);
    if (user) return qualified(user, serverName);
    const medium = stringOf(fields.medium, MAX_TYPE_LENGTH);
    const address = stringOf(fields.address, MAX_USER_LENGTH);
    if (medium && address) return `${medium}:${address}`;
    const phone = stringOf(fields.phone, MAX_USER_LENGTH) ?? stringOf(fields.number, MAX_USER_LENGTH);
    if (phone) return `msisdn:${stringOf(fields.country, MAX_TYPE_LENGTH) ?? ''}:${phone}`;
  }
  const user = stringOf(body.user, MAX_USER_LENGTH);
  if (user) return qualified(user, serverName);
  const medium = stringOf(body.medium, MAX_TYPE_LENGTH);
  const address = stringOf(body.address, MAX_USER_LENGTH);
  return medium && address ? `${medium}:${address}` : null;
}

/**
 * Reads who tried to log in from the request body's bytes (`complete` false when only a prefix was kept:
 * nothing is guessed from a cut body). Only the user and the type are read; the rest (the password, a login
 * or JWT token) is never copied.
 */
export function loginAttemptOf(body: Buffer, complete: boolean, serverName?: string): LoginAttempt {
  const fields = complete ? jsonObjectOf(body) : undefined;
  if (!fields) return { user: null, loginType: null };
  return { user: userOf(fields, serverName), loginType: stringOf(fields.type, MAX_TYPE_LENGTH) };
}

/** The `user_id` of a login's 200 answer; the access and refresh tokens beside it are never copied. */
export function loggedInUserOf(answer: Buffer, complete: boolean): string | undefined {
  return stringOf((complete ? jsonObjectOf(answer) : undefined)?.user_id, MAX_USER_LENGTH) ?? undefined;
}
