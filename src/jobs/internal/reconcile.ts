// A child whose request may have reached Synapse without the facade seeing the answer (a crash, a restart, a
// lost connection) is settled by asking Synapse what happened — block status, delete status — never by resending.
import { deleteTask } from '../../../schemas/delete-status.ts';
import { encodePathSegment } from '../../internal/path.ts';
import { normaliseDeleteTask } from '../../normalise/delete-task.ts';
import type { JobChild } from '../../store/store.ts';
import { pause } from '../../internal/background.ts';
import { finishChild, type ChildOutcome, type ChildRun } from './child-run.ts';
import { followNewDelete } from './follow-delete.ts';
import { askSynapse, synapseError, tokenRefused, type Answered, type ReadOutcome } from './synapse-calls.ts';

/** Why a child found `sending` in the store was not settled when it was sent. */
export const INTERRUPTED = 'interrupted by a restart before Synapse applied it';

const notResent = (why: string) => `${why}; not resent (at most once)`;

/** Settles a `sending` child from what Synapse says now; `why` says how its answer was lost. */
export function reconcileChild(run: ChildRun, child: JobChild, why: string): Promise<ChildOutcome> {
  return run.job.action === 'delete' ? reconcileDelete(run, child, why) : reconcileBlock(run, child, why);
}

/** A 4xx other than a token refusal: Synapse will not say, and asking again will not change that. */
const refusedQuestion = (outcome: ReadOutcome): outcome is Answered => outcome.kind === 'answered' && outcome.status >= 400 && outcome.status < 500;

/** Block or unblock: done if the room is in the wanted state now (the request was applied), else not resent. */
async function reconcileBlock(run: ChildRun, child: JobChild, why: string): Promise<ChildOutcome> {
  const wanted = run.job.action === 'block';
  const path = `/_synapse/admin/v1/rooms/${encodePathSegment(child.roomId)}/block`;
  for (;;) {
    const outcome = await askSynapse(run.context, path, run.token);
    if (tokenRefused(outcome)) return { halt: 'waiting' };
    if (outcome.kind === 'answered' && outcome.status === 200) {
      const result = { reconciled: true, ...outcome.json };
      const details = { reconciled: true };
      if (outcome.json?.block === wanted) return finishChild(run, child, { state: 'done', status: null, result, details });
      return finishChild(run, child, { state: 'failed', status: null, result, error: notResent(why), details });
    }
    if (refusedQuestion(outcome)) {
      const error = `${why}, and its block status could not be read (${synapseError(outcome)}); not resent (at most once)`;
      return finishChild(run, child, { state: 'failed', status: null, error, details: { reconciled: false } });
    }
    if (!(await pause(run.pollIntervalMs, run.signal))) return { halt: 'interrupted' };
  }
}

/**
 * Delete: Synapse's tasks for the room (`GET /v2/rooms/{room_id}/delete_status`); one the store does not know,
 * or knows as this job's, is this child's: it is recorded and followed. Synapse does not list a task still
 * `scheduled` by room, so "none" is believed only after `reconcileAttempts` answers a poll interval apart.
 */
async function reconcileDelete(run: ChildRun, child: JobChild, why: string): Promise<ChildOutcome> {
  const path = `/_synapse/admin/v2/rooms/${encodePathSegment(child.roomId)}/delete_status`;
  let none = 0;
  for (;;) {
    const outcome = await askSynapse(run.context, path, run.token);
    if (tokenRefused(outcome)) return { halt: 'waiting' };
    if (outcome.kind === 'answered' && (outcome.status === 200 || outcome.status === 404)) {
      const found = outcome.status === 200 ? await taskOfJob(run, child, outcome.json) : undefined;
      if (found === 'store') return { halt: 'store' };
      if (found) return followNewDelete(run, child, found.task, { status: null, reconciled: true, recorded: found.recorded });
      none += 1;
      if (none >= run.reconcileAttempts) return finishChild(run, child, { state: 'failed', status: null, error: notResent(why), details: { reconciled: true } });
    } else if (refusedQuestion(outcome)) {
      const error = `${why}, and its delete status could not be read (${synapseError(outcome)}); not resent (at most once)`;
      return finishChild(run, child, { state: 'failed', status: null, error, details: { reconciled: false } });
    }
    if (!(await pause(run.pollIntervalMs, run.signal))) return { halt: 'interrupted' };
  }
}

/** The newest listed task that is this child's: unknown to the store, or recorded with this job's ID. */
async function taskOfJob(run: ChildRun, child: JobChild, json: Record<string, unknown> | undefined) {
  const results = Array.isArray(json?.results) ? json.results : [];
  for (const listed of [...results].reverse()) {
    const parsed = deleteTask.safeParse(listed);
    if (!parsed.success || typeof parsed.data.delete_id !== 'string') continue;
    const task = normaliseDeleteTask(parsed.data, { roomId: child.roomId });
    let record;
    try {
      record = await run.context.store.getDelete(parsed.data.delete_id);
    } catch {
      return 'store' as const;
    }
    if (!record || record.jobId === run.job.id) return { task: { ...task, delete_id: parsed.data.delete_id }, recorded: record !== undefined };
  }
  return undefined;
}
