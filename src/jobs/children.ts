// One child of a bulk job: sent at most once (stored as `sending` before the request leaves), its answer
// recorded, a delete followed to its end, and a child found half-done settled by asking Synapse.
import type { JobChild } from '../store/store.ts';
import { auditChild, childRequest, finishChild, type ChildOutcome, type ChildRun } from './internal/child-run.ts';
import { followDelete, followNewDelete } from './internal/follow-delete.ts';
import { INTERRUPTED, reconcileChild } from './internal/reconcile.ts';
import { sendJobMutation, synapseError, tokenRefused, type MutationOutcome } from './internal/synapse-calls.ts';

/**
 * Works on one child from its stored state: `pending` is sent, `following` is followed, and `sending` (its
 * request may have reached Synapse, its answer was never recorded) is reconciled, never resent.
 */
export function workOnChild(run: ChildRun, child: JobChild): Promise<ChildOutcome> {
  if (child.state === 'pending') return sendChild(run, child);
  if (child.state === 'following' && child.deleteId !== null) return followDelete(run, child, child.deleteId, { status: 200 });
  return reconcileChild(run, child, INTERRUPTED);
}

/**
 * Sends a pending child. The `sending` row (with sent_at) is written and awaited inside the limiter slot,
 * before the request leaves, and only under the job's lease: if that write fails nothing is sent and the job
 * halts until the store is back; if another replica holds the job, or a cancel was asked for, nothing is sent.
 */
async function sendChild(run: ChildRun, child: JobChild): Promise<ChildOutcome> {
  const { context, job, token } = run;
  let sending: JobChild = child;
  let fenced = false;
  const outcome = await sendJobMutation(context, {
    ...childRequest(job, child.roomId),
    token,
    beforeSend: async () => {
      const sentAt = run.now();
      fenced = !(await context.store.updateJobChild(job.id, child.position, { state: 'sending', sentAt, updatedAt: sentAt, heldBy: run.owner }));
      if (fenced) throw new Error('not sent: the job is no longer this replica’s to run');
      sending = { ...child, state: 'sending', sentAt, updatedAt: sentAt };
    },
  });
  if (fenced) return whyFenced(run);
  if (outcome.kind === 'not-sent') return outcome.reason === 'store' ? { halt: 'store' } : 'requeue';
  const settled = await settleAnswer(run, sending, outcome);
  return settled === 'settled' ? 'sent' : settled;
}

/** Why the lease's fence kept a child back: a cancel asked for through another replica, or the job is another's now. */
async function whyFenced(run: ChildRun): Promise<ChildOutcome> {
  let job;
  try {
    job = await run.context.store.getJob(run.job.id);
  } catch {
    return { halt: 'store' };
  }
  return job?.owner === run.owner && job.state === 'cancelling' ? 'cancelled' : { halt: 'lost' };
}

/** What a sent child's answer (or its absence) makes of it. */
async function settleAnswer(run: ChildRun, child: JobChild, outcome: Exclude<MutationOutcome, { kind: 'not-sent' }>): Promise<ChildOutcome> {
  if (outcome.kind === 'no-answer') return reconcileChild(run, child, `Synapse did not answer (${outcome.error}) and had not applied it`);
  const { status, json } = outcome;
  if (tokenRefused(outcome)) return refusedToken(run, child, status);
  if (status !== 200) return finishChild(run, child, { state: 'failed', status, error: synapseError(outcome), result: json ?? null });
  if (run.job.action !== 'delete') return finishChild(run, child, { state: 'done', status, result: json ?? {} });
  const deleteId = json?.delete_id;
  if (typeof deleteId !== 'string') return finishChild(run, child, { state: 'failed', status, error: 'Synapse answered 200 without a delete_id', result: json ?? null });
  return followNewDelete(run, child, { delete_id: deleteId }, { status });
}

/**
 * Synapse refused the token (401/403) before doing anything: the child goes back to `pending` (sending it
 * again later is safe), its attempt is audited, and the job waits for an admin's token.
 */
async function refusedToken(run: ChildRun, child: JobChild, status: number): Promise<ChildOutcome> {
  try {
    await run.context.store.updateJobChild(run.job.id, child.position, { state: 'pending', sentAt: null, updatedAt: run.now() });
  } catch {
    return { halt: 'store' };
  }
  const error = `Synapse refused the job's token (${status}); the room is sent again once the job resumes`;
  await auditChild(run, child, { status, details: { error } });
  return { halt: 'waiting' };
}
