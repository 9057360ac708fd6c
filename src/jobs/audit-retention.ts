// Keeps the audit trail to AUDIT_RETENTION_DAYS: older rows are deleted in the background, in small batches.
import type { FacadeContext } from '../pipeline/context.ts';
import { everyInterval, type BackgroundTask } from '../internal/background.ts';

const DAY_MS = 86_400_000;

/** Options of the pruner; the defaults are what the facade runs with. */
export interface AuditPrunerOptions {
  /** Pause before the first pass, milliseconds. Default 60000: start-up work goes first. */
  initialDelayMs?: number;
  /** Pause between passes, milliseconds. Default 3600000 (hourly). */
  intervalMs?: number;
  /** Rows deleted per statement, so no single delete holds the database for long. Default 1000. */
  batch?: number;
  /** The clock, milliseconds since the epoch. Default Date.now. */
  now?: () => number;
}

/**
 * One pruning pass: deletes every row older than `auditRetentionDays` days, `batch` rows per statement,
 * until a statement deletes fewer than a batch. Answers how many rows went; rejects when the store fails
 * (the store's hook has logged and counted it).
 */
export async function pruneAudit(context: FacadeContext, { batch = 1000, now = Date.now }: Pick<AuditPrunerOptions, 'batch' | 'now'> = {}): Promise<number> {
  const before = now() - context.config.auditRetentionDays * DAY_MS;
  let removed = 0;
  for (;;) {
    const deleted = await context.store.pruneAudit(before, batch);
    removed += deleted;
    if (deleted < batch) return removed;
  }
}

/** Starts the hourly pruner (first pass soon after start-up); stopped with the other background tasks. */
export function startAuditPruner(context: FacadeContext, { initialDelayMs = 60_000, intervalMs = 3_600_000, batch, now }: AuditPrunerOptions = {}): BackgroundTask {
  const { logger } = context;
  return everyInterval(
    async () => {
      // Replicas of a shared store: the one leading the background work prunes.
      if (!(await context.replicas.lead('background'))) return;
      let removed: number;
      try {
        removed = await pruneAudit(context, { batch, now });
      } catch {
        // Already logged and counted by the store's hook; the next pass tries again.
        return;
      }
      // A pass with nothing to remove is routine: only the debug log hears of it.
      logger[removed > 0 ? 'info' : 'debug']({ task: 'audit-pruner', removed, retention_days: context.config.auditRetentionDays }, 'audit rows pruned');
    },
    { name: 'audit-pruner', intervalMs, initialDelayMs, logger },
  );
}
