// Writing audit rows: awaited so an admin can read their own action right after its answer, never fatal to it.
import { tokenFingerprint } from '../internal/token-hash.ts';
import type { AuditEntryInput } from '../store/store.ts';
import type { FacadeContext } from './context.ts';

/** The audit's name for who acted: the verified admin's user ID, else `token:<fingerprint>` (never the token). */
export function auditActor(userId: string | undefined, token: string | undefined): string | null {
  if (userId) return userId;
  return token === undefined ? null : `token:${tokenFingerprint(token)}`;
}

/**
 * Appends one audit row. A store that fails (or is unavailable) costs the row, not the request: the store's
 * own hook has logged and counted the failure, and the caller answers as it would have. A stop waits for it.
 */
export function writeAudit(context: FacadeContext, entry: AuditEntryInput): Promise<void> {
  return context.audits.track(appendAudit(context, entry));
}

async function appendAudit(context: FacadeContext, entry: AuditEntryInput): Promise<void> {
  try {
    await context.store.appendAudit(entry);
    context.metrics.auditRows.inc({ kind: entry.kind });
  } catch {
    // Logged and counted by the store's error hook (facade_store_errors_total{operation="appendAudit"}).
  }
}
