// The confirm token of a bulk job: a dry run's proof that exactly this request (action, options, room list,
// concurrency, pace) was planned and shown, so a run can only be what the admin saw. Stateless: an HMAC.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { FacadeError } from '../errors.ts';
import type { JobAction } from '../store/store.ts';

/** How long a confirm token is valid, milliseconds (10 minutes). */
export const CONFIRM_TTL_MS = 10 * 60_000;

/** The request a token is bound to. */
export interface ConfirmedRequest {
  action: JobAction;
  /** The options as they will be sent (defaults filled in). */
  options: Record<string, unknown>;
  /** The room list after duplicates were dropped, in order. */
  rooms: readonly string[];
  concurrency: number;
  paceMs: number;
}

/** SHA-256 (hex) of an exact room list: the same IDs in the same order, nothing else, give the same hash. */
export function roomListHash(rooms: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(rooms)).digest('hex');
}

/** JSON with object keys sorted at every level, so equal options encode equally whatever their order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The digest of everything a token binds (base64url SHA-256), versioned so a future encoding never matches. */
function requestDigest({ action, options, rooms, concurrency, paceMs }: ConfirmedRequest): string {
  const encoded = canonicalJson(['job-confirm/1', action, options, roomListHash(rooms), concurrency, paceMs]);
  return createHash('sha256').update(encoded).digest('base64url');
}

const mac = (key: Buffer, signed: string) => createHmac('sha256', key).update(signed).digest();

/**
 * A token `<expires_at>.<request digest>.<HMAC>`, the HMAC-SHA256 (keyed with the store's `job-confirm`
 * secret, which survives restarts) over the first two parts. It names no room: it can be shown and logged.
 */
export function issueConfirmToken(key: Buffer, request: ConfirmedRequest, { now = Date.now(), ttlMs = CONFIRM_TTL_MS } = {}) {
  const expiresAt = now + ttlMs;
  const signed = `${expiresAt}.${requestDigest(request)}`;
  return { confirm: `${signed}.${mac(key, signed).toString('base64url')}`, expiresAt };
}

const equalBytes = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

const newDryRun = 'run a new dry run (the same request without dry_run: false) for a fresh confirm token';

/**
 * Checks a run's confirm token, in this order: present (400 M_MISSING_PARAM), issued by this facade
 * (400 M_INVALID_PARAM; a forged or damaged token), not expired (400 M_INVALID_PARAM), made for this very
 * request (409 M_UNKNOWN). The HMAC is compared in constant time. Throws the FacadeError; nothing is created.
 */
export function checkConfirmToken(key: Buffer, token: string | undefined, request: ConfirmedRequest, { now = Date.now() } = {}): void {
  if (token === undefined || token === '') {
    throw new FacadeError(400, 'M_MISSING_PARAM', `Running a job needs the confirm token of its dry run: ${newDryRun}`);
  }
  const match = /^(\d{1,15})\.([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(token);
  const authentic = match !== null && equalBytes(Buffer.from(match[3]!, 'base64url'), mac(key, `${match[1]}.${match[2]}`));
  if (!match || !authentic) throw new FacadeError(400, 'M_INVALID_PARAM', `This confirm token was not issued by this facade: ${newDryRun}`);
  const expiresAt = Number(match[1]);
  if (now >= expiresAt) {
    throw new FacadeError(400, 'M_INVALID_PARAM', `This confirm token expired at ${new Date(expiresAt).toISOString()}: ${newDryRun}`);
  }
  if (!equalBytes(Buffer.from(match[2]!), Buffer.from(requestDigest(request)))) {
    throw new FacadeError(
      409,
      'M_UNKNOWN',
      'This confirm token was made for another room list, action, options, concurrency or pace: a changed request needs a new dry run',
    );
  }
}
