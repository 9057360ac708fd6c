// Fixed identity of the mock homeserver: server name, version and the default credentials.

/** The mock's server_name; every local user, alias and v1–v11 room ID ends with it. */
export const SERVER_NAME = 'mock.example';
/** Version reported by `/_synapse/admin/v1/server_version` and the `Server` header. */
export const SYNAPSE_VERSION = '1.163.2';
/** Default access token of `@admin:mock.example` (a server admin). */
export const DEFAULT_ADMIN_TOKEN = 'mock-admin-token';
/** Default access token of `@alice:mock.example` (not an admin). */
export const DEFAULT_USER_TOKEN = 'mock-user-token';
/** An admin token that is known but expired (401 M_UNKNOWN_TOKEN, soft_logout true). */
export const EXPIRED_ADMIN_TOKEN = 'mock-expired-token';
export const ADMIN_USER_ID = `@admin:${SERVER_NAME}`;
export const ALICE_USER_ID = `@alice:${SERVER_NAME}`;
/** Password of `@admin` for `POST /_matrix/client/v3/login`. */
export const ADMIN_PASSWORD = 'admin-password';
/** Password of `@alice` for `POST /_matrix/client/v3/login`. */
export const ALICE_PASSWORD = 'alice-password';
/** Seed of the data set when none is given. */
export const DEFAULT_SEED = 20240601;
/** Wall-clock anchor of the generated data (all timestamps are before it). */
export const DATA_EPOCH_MS = 1_760_000_000_000;
