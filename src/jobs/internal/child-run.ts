// What working on one child of a job shares: the job, its token, the halt signal, and how a child ends
// (its final state stored first, then its metric and its audit row).
import { writeAudit } from '../../pipeline/audit-trail.ts';
import { indexRoomBlocked } from '../../pipeline/mutation.ts';
import type { FacadeContext } from '../../pipeline/context.ts';
import { encodePathSegment } from '../../internal/path.ts';
import type { JobAction, JobChild, JobRecord } from '../../store/store.ts';

/** Everything a child's work needs. The token is the job's, held in memory only. */
export interface ChildRun {
  context: FacadeContext;
  job: JobRecord;
  token: string;
  /** The replica running the job: a child is marked `sending` (and then sent) only while it holds the job's lease. */
  owner: string;
  /** Aborts when the job halts (stop, waiting, store failure): pauses end early and nothing new is sent. */
  signal: AbortSignal;
  /** Pause between polls of a delete's status, and between attempts to reconcile, milliseconds. */
  pollIntervalMs: number;
  /** How often Synapse is asked for a delete it does not list before the child counts as never applied. */
  reconcileAttempts: number;
  now: () => number;
}

/**
 * Why a child's work stopped before its end: `waiting` (Synapse refused the token), `store` (a store write
 * failed), `lost` (another replica holds the job now), `interrupted` (the job halted for another reason). The
 * child keeps its stored state.
 */
export interface Halt {
  halt: 'waiting' | 'store' | 'lost' | 'interrupted';
}

/**
 * `sent`: a mutation went out (the slot then paces); `settled`: ended without one; `requeue`: not sent, try again;
 * `cancelled`: not sent, another replica asked for the job's cancel (the child is still pending).
 */
export type ChildOutcome = 'sent' | 'settled' | 'requeue' | 'cancelled' | Halt;

/** The audit action of each job action (the same names as the owned routes'). */
const AUDIT_ACTIONS: Readonly<Record<JobAction, string>> = { block: 'room.block', unblock: 'room.unblock', delete: 'room.delete' };

/** The request one child sends: method, raw path (segments encoded) and JSON body. */
export function childRequest(job: JobRecord, roomId: string) {
  const room = encodePathSegment(roomId);
  if (job.action === 'delete') return { method: 'DELETE' as const, path: `/_synapse/admin/v2/rooms/${room}`, body: job.options };
  return { method: 'PUT' as const, path: `/_synapse/admin/v1/rooms/${room}/block`, body: { block: job.action === 'block' } };
}

/** One audit row for a child's request: the job's admin, Synapse's status when known, and the job's fields. */
export async function auditChild(run: ChildRun, child: JobChild, { status, details }: { status: number | null; details: Record<string, unknown> }) {
  const { context, job } = run;
  const at = run.now();
  const { method, path } = childRequest(job, child.roomId);
  await writeAudit(context, {
    at: child.sentAt ?? at,
    kind: 'job',
    action: AUDIT_ACTIONS[job.action],
    method,
    path,
    roomId: child.roomId,
    admin: job.admin,
    status,
    durationMs: child.sentAt === null ? null : at - child.sentAt,
    requestId: null,
    details: { job_id: job.id, position: child.position, ...(job.action === 'delete' ? { api: 'v2' } : {}), ...details },
  });
}

/** How a child ends. `status` is Synapse's answer to its mutation, null when that answer was never seen. */
export interface ChildEnd {
  state: 'done' | 'failed';
  status: number | null;
  result?: Record<string, unknown> | null;
  error?: string;
  deleteId?: string;
  /** Extra audit fields (e.g. `reconciled`, the delete's final status). */
  details?: Record<string, unknown>;
}

/**
 * Stores a child's final state, then counts it and writes its audit row. When the store write fails the child
 * keeps its state (sending or following) and is settled again, by asking Synapse, when the job resumes.
 */
export async function finishChild(run: ChildRun, child: JobChild, end: ChildEnd): Promise<ChildOutcome> {
  const { context, job } = run;
  const deleteId = end.deleteId ?? child.deleteId ?? undefined;
  try {
    await context.store.updateJobChild(job.id, child.position, {
      state: end.state,
      result: end.result ?? null,
      error: end.error ?? null,
      deleteId,
      updatedAt: run.now(),
    });
  } catch {
    return { halt: 'store' };
  }
  context.metrics.jobChildren.inc({ action: job.action, state: end.state });
  // A done block or unblock child is a room in the wanted state (sent, or found so by reconciling).
  if (end.state === 'done' && job.action !== 'delete') await indexRoomBlocked(context, child.roomId, job.action === 'block');
  await auditChild(run, child, {
    status: end.status,
    details: { ...(deleteId ? { delete_id: deleteId } : {}), ...(end.error ? { error: end.error } : {}), ...end.details },
  });
  return 'settled';
}
