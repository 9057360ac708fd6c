// Registers users through Synapse's shared-secret admin API (§6.3), falling back to password login if they exist.
import { createHmac } from 'node:crypto';
import { matrixRequest, MatrixRequestError } from './internal/matrix.ts';

export interface RegisteredUser {
  userId: string;
  accessToken: string;
}

export interface RegisterOptions {
  baseUrl: string;
  registrationSharedSecret: string;
  username: string;
  /** Local test password; the server only listens on 127.0.0.1. */
  password: string;
  admin?: boolean;
  displayname?: string;
}

/** Synapse: synapse/rest/admin/users.py UserRegisterServlet — HMAC-SHA1 over nonce, user, password, admin flag. */
export function registrationMac(secret: string, nonce: string, username: string, password: string, admin: boolean): string {
  return createHmac('sha1', secret)
    .update(`${nonce}\0${username}\0${password}\0${admin ? 'admin' : 'notadmin'}`)
    .digest('hex');
}

async function login(baseUrl: string, username: string, password: string): Promise<RegisteredUser> {
  const { user_id, access_token } = await matrixRequest<{ user_id: string; access_token: string }>(
    baseUrl,
    '/_matrix/client/v3/login',
    { body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: username }, password } },
  );
  return { userId: user_id, accessToken: access_token };
}

/**
 * Registers `username` with the shared secret and returns its ID and a fresh access token.
 * When the user already exists (M_USER_IN_USE, e.g. on a restart) it logs in with the same password instead.
 */
export async function registerOrLogin(options: RegisterOptions): Promise<RegisteredUser> {
  const { baseUrl, registrationSharedSecret, username, password, admin = false, displayname } = options;
  const { nonce } = await matrixRequest<{ nonce: string }>(baseUrl, '/_synapse/admin/v1/register');
  const mac = registrationMac(registrationSharedSecret, nonce, username, password, admin);
  try {
    const registered = await matrixRequest<{ user_id: string; access_token: string }>(baseUrl, '/_synapse/admin/v1/register', {
      body: { nonce, username, password, admin, mac, displayname },
    });
    return { userId: registered.user_id, accessToken: registered.access_token };
  } catch (error) {
    if (error instanceof MatrixRequestError && error.errcode === 'M_USER_IN_USE') return login(baseUrl, username, password);
    throw error;
  }
}
