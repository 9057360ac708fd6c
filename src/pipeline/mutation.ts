// Mutations: sent at most once, identical concurrent calls coalesced, every outcome in the audit log.
import { createHash } from 'node:crypto';
import type { FacadeContext, UpstreamAnswer } from './context.ts';
import type { OwnedRoute, ValidatedRequest } from './owned-route.ts';

/** A short, non-reversible name for a token, for the audit log (never the token itself). */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 12);
}

/** Key of a mutation for coalescing: same caller, same route and target, same body bytes. */
export function coalescingKey(route: OwnedRoute, target: string, token: string, body: Buffer): string {
  const hash = createHash('sha256').update(token).update('\0').update(target).update('\0').update(body).digest('hex');
  return `${route.name}:${hash}`;
}

/**
 * Runs `send` once per key while a call with that key is in flight; later identical calls get the
 * same answer. The entry is removed when the call settles, so a later retry is a new call.
 */
export function coalesce(
  context: FacadeContext,
  key: string,
  send: () => Promise<UpstreamAnswer>,
): { answer: Promise<UpstreamAnswer>; shared: boolean } {
  const inFlight = context.inFlightMutations.get(key);
  if (inFlight) return { answer: inFlight, shared: true };
  const call = send().finally(() => context.inFlightMutations.delete(key));
  context.inFlightMutations.set(key, call);
  return { answer: call, shared: false };
}

/** What the audit line needs to know about one mutation. */
export interface AuditEntry {
  route: OwnedRoute;
  request: ValidatedRequest | undefined;
  token: string;
  startedAt: number;
  upstreamStatus: number | null;
  responseBody?: Buffer;
  coalesced?: boolean;
  error?: string;
}

/** Writes the one structured audit line of a mutation (admin by token fingerprint, never the token). */
export function writeAuditLine(context: FacadeContext, entry: AuditEntry): void {
  let deleteId: string | undefined;
  if (entry.responseBody && entry.upstreamStatus === 200) {
    try {
      const parsed = JSON.parse(entry.responseBody.toString('utf8')) as { delete_id?: unknown };
      if (typeof parsed.delete_id === 'string') deleteId = parsed.delete_id;
    } catch {
      // Not JSON: nothing to extract.
    }
  }
  context.logger.info(
    {
      audit: {
        admin: { token_fingerprint: tokenFingerprint(entry.token) },
        method: entry.route.method,
        route: entry.route.name,
        ...entry.request?.audit,
        upstream_status: entry.upstreamStatus,
        duration_ms: Date.now() - entry.startedAt,
        ...(deleteId ? { delete_id: deleteId } : {}),
        ...(entry.coalesced ? { coalesced: true } : {}),
        ...(entry.error ? { error: entry.error } : {}),
      },
    },
    'admin mutation',
  );
}
