// A delete child after Synapse took it on: recorded as the facade's delete, then its task polled (paced) until
// it is complete or failed, and only then is the job's slot free.
import { deleteTask, type DeleteTaskOut } from '../../../schemas/delete-status.ts';
import { auditBodyFields } from '../../pipeline/audit-fields.ts';
import { FINAL_DELETE_STATUSES, noteDeleteStatuses, recordDeleteSent } from '../../pipeline/delete-tracking.ts';
import { encodePathSegment } from '../../internal/path.ts';
import { normaliseDeleteTask } from '../../normalise/delete-task.ts';
import type { JobChild } from '../../store/store.ts';
import { pause } from '../../internal/background.ts';
import { finishChild, type ChildOutcome, type ChildRun } from './child-run.ts';
import { askSynapse, tokenRefused } from './synapse-calls.ts';

/** What the audit row of a followed delete says about its request. */
export interface FollowNote {
  /** Synapse's status to the DELETE (200), or null when the task was found by asking afterwards. */
  status: number | null;
  reconciled?: boolean;
  /** The store already has this task (recorded before a crash): it is not recorded again. */
  recorded?: boolean;
}

/**
 * Records a delete task Synapse took on for this child in the store's room deletes (with the job's ID; a
 * task already recorded stays as it was), then marks the child `following` and follows it.
 */
export async function followNewDelete(run: ChildRun, child: JobChild, task: { delete_id: string; status?: string }, note: FollowNote): Promise<ChildOutcome> {
  const { context, job } = run;
  const deleteId = task.delete_id;
  if (!note.recorded) await recordDeleteSent(context, {
    api: 'v2',
    roomId: child.roomId,
    admin: job.admin,
    startedAt: child.sentAt ?? run.now(),
    flags: auditBodyFields(job.options),
    jobId: job.id,
    status: 200,
    body: Buffer.from(JSON.stringify({ delete_id: deleteId })),
  });
  if (task.status) await noteDeleteStatuses(context, Buffer.from(JSON.stringify(task)));
  try {
    await context.store.updateJobChild(job.id, child.position, { state: 'following', deleteId, updatedAt: run.now() });
  } catch {
    return { halt: 'store' };
  }
  return followDelete(run, { ...child, state: 'following', deleteId }, deleteId, note);
}

const resultOf = (task: DeleteTaskOut) => ({ delete_id: task.delete_id, status: task.status, shutdown_room: task.shutdown_room });

/**
 * Polls `GET /v2/rooms/delete_status/{delete_id}` every poll interval until the task is final. Each status
 * seen is added to the store's record. A 404 (Synapse forgot the task) is answered from the store when it saw
 * the end, else the child fails with an unknown outcome. Errors and 5xx are polled again.
 */
export async function followDelete(run: ChildRun, child: JobChild, deleteId: string, note: FollowNote): Promise<ChildOutcome> {
  const { context } = run;
  const path = `/_synapse/admin/v2/rooms/delete_status/${encodePathSegment(deleteId)}`;
  const details = note.reconciled ? { reconciled: true } : {};
  for (;;) {
    if (!(await pause(run.pollIntervalMs, run.signal))) return { halt: 'interrupted' };
    const outcome = await askSynapse(context, path, run.token);
    if (tokenRefused(outcome)) return { halt: 'waiting' };
    if (outcome.kind !== 'answered') continue;
    if (outcome.status === 404) return endFromStore(run, child, deleteId, note);
    const parsed = outcome.status === 200 ? deleteTask.safeParse(outcome.json) : undefined;
    if (!parsed?.success) continue;
    const task = normaliseDeleteTask(parsed.data, { deleteId, roomId: child.roomId });
    await noteDeleteStatuses(context, Buffer.from(JSON.stringify(task)));
    if (!FINAL_DELETE_STATUSES.has(task.status)) continue;
    context.freshness.roomChanged(child.roomId);
    const end = { status: note.status, deleteId, result: resultOf(task), details: { ...details, delete_status: task.status } };
    if (task.status === 'complete') return finishChild(run, child, { state: 'done', ...end });
    const error = typeof task.error === 'string' ? task.error : `the delete task ended ${task.status}`;
    return finishChild(run, child, { state: 'failed', error, ...end });
  }
}

/** Synapse answered 404 for a task it had: the store's record decides, if it saw the end. */
async function endFromStore(run: ChildRun, child: JobChild, deleteId: string, note: FollowNote): Promise<ChildOutcome> {
  let record;
  try {
    record = await run.context.store.getDelete(deleteId);
  } catch {
    return { halt: 'store' };
  }
  const details = { ...(note.reconciled ? { reconciled: true } : {}), from_store: true };
  if (!record || record.finishedAt === null) {
    const error = `Synapse no longer knows delete task ${deleteId} and the facade never saw it end: its outcome is unknown`;
    return finishChild(run, child, { state: 'failed', status: note.status, deleteId, error, details });
  }
  const result = { delete_id: deleteId, status: record.status, shutdown_room: record.shutdownRoom };
  const end = { status: note.status, deleteId, result, details: { ...details, delete_status: record.status } };
  if (record.status === 'complete') return finishChild(run, child, { state: 'done', ...end });
  return finishChild(run, child, { state: 'failed', error: record.error ?? `the delete task ended ${record.status}`, ...end });
}
