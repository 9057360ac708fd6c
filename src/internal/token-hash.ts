// Names for access tokens that never reveal them: a key for maps and a short fingerprint for logs.
import { hash } from 'node:crypto';

/**
 * Keys of the tokens seen last, so an admin UI's burst of requests hashes its token once. Held in memory only (like
 * the requests carrying them), never written anywhere; emptied when full.
 */
const recentKeys = new Map<string, string>();
const MAX_RECENT_KEYS = 256;

/** SHA-256 of the token (base64url): the key of verdicts and of per-token request sharing. */
export function tokenKey(token: string): string {
  let key = recentKeys.get(token);
  if (key === undefined) {
    key = hash('sha256', token, 'base64url');
    if (recentKeys.size >= MAX_RECENT_KEYS) recentKeys.clear();
    recentKeys.set(token, key);
  }
  return key;
}

/** The first 12 hex digits of the token's SHA-256: names a caller in the audit log, never the token. */
export const tokenFingerprint = (token: string): string => hash('sha256', token, 'hex').slice(0, 12);
