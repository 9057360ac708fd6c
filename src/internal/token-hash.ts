// Names for access tokens that never reveal them: a key for maps and a short fingerprint for logs.
import { createHash } from 'node:crypto';

const digest = (token: string) => createHash('sha256').update(token).digest();

/** SHA-256 of the token (base64url): the key of verdicts and of per-token request sharing. */
export const tokenKey = (token: string): string => digest(token).toString('base64url');

/** The first 12 hex digits of the token's SHA-256: names a caller in the audit log, never the token. */
export const tokenFingerprint = (token: string): string => digest(token).toString('hex').slice(0, 12);
