// The delete follower: asks Synapse about the facade's unfinished v2 room deletes, one request at a time and
// paced, so each final status is recorded even when no client polls (and before Synapse forgets the task).
import { encodePathSegment } from '../internal/path.ts';
import { normaliseDeleteTask } from '../normalise/delete-task.ts';
import type { FacadeContext } from '../pipeline/context.ts';
import { indexRoomDeleted, noteDeleteStatuses } from '../pipeline/delete-tracking.ts';
import { jsonBytes } from '../internal/json-bytes.ts';
import { createGateLookup } from '../pipeline/probe.ts';
import { isTokenRefusalStatus } from '../protection/admin-gate.ts';
import type { DeleteRecord } from '../store/store.ts';
import { everyInterval, pause, type BackgroundTask } from '../internal/background.ts';
import { deleteTask } from '../../schemas/delete-status.ts';

/** Shortest pause between two of the follower's requests, milliseconds: it never competes with admins. */
export const FOLLOWER_MIN_GAP_MS = 200;

/** What one poll found. */
type PollResult = 'progress' | 'unchanged' | 'gone' | 'no_token' | 'error';

/**
 * Synapse no longer knows a task the facade never saw finish (an older Synapse loses them on restart): the room
 * being gone proves the purge ran; otherwise the end is unknown and recorded as failed, saying why.
 */
async function recordForgotten(context: FacadeContext, record: DeleteRecord, lookup: ReturnType<typeof createGateLookup>): Promise<PollResult> {
  const room = await lookup(`/_synapse/admin/v1/rooms/${encodePathSegment(record.roomId)}`);
  if (room.status !== 404 && room.status !== 200) return 'error';
  const purged = room.status === 404;
  await context.store.recordDeleteProgress(record.deleteId, {
    status: purged ? 'complete' : 'failed',
    at: Date.now(),
    final: true,
    shutdownRoom: null,
    error: purged ? null : 'Synapse no longer knows this delete task and the room still exists: it did not finish (Synapse restarted?)',
  });
  if (purged) {
    context.freshness.roomChanged(record.roomId);
    // Synapse no longer has the room at all, whatever the delete's flags said.
    await indexRoomDeleted(context, record.roomId, {});
  }
  return 'gone';
}

/** Asks Synapse for one delete's status with the token it was started with (or FACADE_ADMIN_TOKEN). */
async function poll(context: FacadeContext, record: DeleteRecord): Promise<PollResult> {
  const token = context.deleteTokens.get(record.deleteId) ?? context.config.facadeAdminToken;
  if (token === undefined) return 'no_token';
  const lookup = createGateLookup(context, { token, rawQuery: '' });
  const answer = await lookup(`/_synapse/admin/v2/rooms/delete_status/${encodePathSegment(record.deleteId)}`);
  if (isTokenRefusalStatus(answer.status)) {
    // That admin logged out or lost the right: their token is not used again.
    context.deleteTokens.delete(record.deleteId);
    return 'error';
  }
  if (answer.status === 404) return recordForgotten(context, record, lookup);
  const task = deleteTask.safeParse(answer.body);
  if (answer.status !== 200 || !task.success) return 'error';
  const normalised = normaliseDeleteTask(task.data, { deleteId: record.deleteId, roomId: record.roomId });
  await noteDeleteStatuses(context, jsonBytes(normalised));
  const after = await context.store.getDelete(record.deleteId);
  if (after?.finishedAt != null) {
    context.deleteTokens.delete(record.deleteId);
    context.freshness.roomChanged(record.roomId);
  }
  return after?.status === record.status ? 'unchanged' : 'progress';
}

/** Options of the follower. */
export interface FollowerOptions {
  /**
   * The IDs of the jobs that follow their own deletes now, on whichever replica runs them (the follower leaves
   * those deletes alone). Read at most once per pass, and only when a job's delete is unfinished. Default: none.
   */
  jobsFollowing?: () => Promise<ReadonlySet<string>>;
}

/**
 * Starts the follower: every DELETE_FOLLOW_INTERVAL_MS it walks the store's unfinished v2 deletes, oldest
 * first, one request at a time with at least FOLLOWER_MIN_GAP_MS between requests, skipping those a running
 * job follows and, on a replica that does not lead, those started through another replica. A store or Synapse that fails costs one pass, not the loop.
 */
export function startDeleteFollower(context: FacadeContext, { jobsFollowing = async () => new Set() }: FollowerOptions = {}): BackgroundTask & { wake(): void } {
  const { deleteFollowIntervalMs: intervalMs } = context.config;
  return everyInterval(
    async (stopping) => {
      if (!context.store.available) return;
      const records = await context.store.unfinishedDeletes('v2');
      const following = records.some((record) => record.jobId != null) ? await jobsFollowing() : new Set<string>();
      // Replicas of a shared store: each follows the deletes it holds the starter's token for; the deletes no replica
      // has a token for (started before a restart) are followed with FACADE_ADMIN_TOKEN by the one leading replica.
      const leading = records.some((record) => !context.deleteTokens.has(record.deleteId)) && (await context.replicas.lead('background'));
      for (const record of records) {
        if (stopping.aborted) return;
        if (record.jobId != null && following.has(record.jobId)) continue;
        if (!context.deleteTokens.has(record.deleteId) && !leading) continue;
        let result: PollResult;
        try {
          result = await poll(context, record);
        } catch {
          result = 'error';
        }
        context.metrics.deletesFollowed.inc({ result });
        if (result !== 'no_token') await pause(FOLLOWER_MIN_GAP_MS, stopping);
      }
    },
    { name: 'delete follower', intervalMs, initialDelayMs: Math.min(intervalMs, 1_000), logger: context.logger },
  );
}
