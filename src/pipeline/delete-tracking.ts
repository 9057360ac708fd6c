// Room deletes the facade sent, kept in the store: started (v1 and v2), every status seen, the final result.
import { randomUUID } from 'node:crypto';
import { asJsonObject as asRecord, jsonObjectOf } from '../internal/exact-json.ts';
import type { DeleteApi } from '../store/store.ts';
import type { FacadeContext } from './context.ts';

/** Statuses after which a delete task changes no more. */
export const FINAL_DELETE_STATUSES: ReadonlySet<string> = new Set(['complete', 'failed', 'cancelled']);

/** The delete ID the facade gives a v1 delete (Synapse names none): marked so it never collides with Synapse's. */
export const newV1DeleteId = (): string => `facade-v1-${randomUUID()}`;

type JsonRecord = Record<string, unknown>;

/** What the facade learnt from one room-delete request it sent. */
export interface DeleteSent {
  api: DeleteApi;
  roomId: string;
  admin: string | null;
  startedAt: number;
  /** The body's flags as the audit keeps them. */
  flags: JsonRecord;
  jobId?: string | null;
  /** Synapse's status, or null when it did not answer. */
  status: number | null;
  /** Synapse's answer (v2: `{ delete_id }`, v1: the shutdown result). */
  body?: Buffer;
  /** Why there is no answer (unreachable, timeout…), for a v1 delete whose outcome the client never got. */
  error?: string;
  /** The token it was sent with: the delete follower asks for a v2 task's status as the same admin (memory only). */
  token?: string;
}

/** Most v2 deletes whose token the follower keeps at once; the oldest is forgotten first. */
const MAX_FOLLOWED_TOKENS = 10_000;

/**
 * Records a room delete Synapse took on: a v2 task by its delete_id; a v1 delete (synchronous) with a
 * facade-made ID and its final outcome at once — the shutdown result on 200, else the failure the client
 * saw (Synapse's 5xx or no answer; a v1 delete may have done part of its work before failing). A 4xx is a
 * refusal (nothing deleted) and is only in the audit. Answers the delete ID recorded, if any; never throws.
 */
export async function recordDeleteSent(context: FacadeContext, sent: DeleteSent): Promise<string | undefined> {
  const answer = jsonObjectOf(sent.body);
  const refused = sent.status !== null && sent.status < 500 && sent.status !== 200;
  if (refused) return undefined;
  const deleteId = sent.api === 'v2' ? answer?.delete_id : newV1DeleteId();
  if (typeof deleteId !== 'string') return undefined;
  const start = { deleteId, api: sent.api, roomId: sent.roomId, admin: sent.admin, requestedAt: sent.startedAt, flags: sent.flags, jobId: sent.jobId ?? null };
  try {
    await context.store.recordDeleteStart(start);
    if (sent.api === 'v2' && sent.token !== undefined) {
      context.deleteTokens.set(deleteId, sent.token);
      if (context.deleteTokens.size > MAX_FOLLOWED_TOKENS) context.deleteTokens.delete(context.deleteTokens.keys().next().value!);
    }
    if (sent.api === 'v1') {
      const ok = sent.status === 200;
      const error = ok ? null : (sent.error ?? errorText(answer) ?? `Synapse answered ${sent.status}`);
      await context.store.recordDeleteProgress(deleteId, { status: ok ? 'complete' : 'failed', at: Date.now(), final: true, shutdownRoom: ok ? (answer ?? null) : null, error });
      if (ok) await indexRoomDeleted(context, sent.roomId, sent.flags);
    }
    return deleteId;
  } catch {
    // Logged and counted by the store's error hook; the client's answer does not depend on it.
    return undefined;
  }
}

/** Synapse's `error` text of an error answer. */
function errorText(answer: JsonRecord | undefined): string | undefined {
  return typeof answer?.error === 'string' ? answer.error : undefined;
}

/**
 * Notes every task of a (normalised) delete-status answer the store knows: a status not seen before is added
 * to its history, with `shutdown_room` or `error` once final. Tasks the facade did not start are ignored.
 */
export async function noteDeleteStatuses(context: FacadeContext, body: Buffer, at = Date.now()): Promise<void> {
  const answer = jsonObjectOf(body);
  const tasks = Array.isArray(answer?.results) ? answer.results : answer ? [answer] : [];
  for (const task of tasks.map(asRecord)) {
    if (typeof task?.delete_id !== 'string' || typeof task.status !== 'string') continue;
    const final = FINAL_DELETE_STATUSES.has(task.status);
    try {
      const added = await context.store.recordDeleteProgress(task.delete_id, {
        status: task.status,
        at,
        final,
        shutdownRoom: final ? (asRecord(task.shutdown_room) ?? null) : null,
        error: final && typeof task.error === 'string' ? task.error : null,
      });
      // The first time the facade sees one of its deletes complete (client poll, follower or job), the index learns it.
      const record = added && task.status === 'complete' ? await context.store.getDelete(task.delete_id) : undefined;
      if (record) await indexRoomDeleted(context, record.roomId, record.flags);
    } catch {
      // The store's hook logged it; the next status seen is recorded when the store is back.
    }
  }
}

/**
 * A delete of `roomId` completed: a purged room (Synapse's default) leaves the room index at once; one shut down
 * with `purge: false` stays in Synapse's list, so its row stays, marked blocked when the delete blocked it.
 * Never throws: the store's hook logs and counts a failure, and the next sweeps correct the index.
 */
export async function indexRoomDeleted(context: FacadeContext, roomId: string, flags: Readonly<JsonRecord>): Promise<void> {
  try {
    if (flags.purge !== false) await context.store.removeIndexed('rooms', roomId);
    else if (flags.block === true) await context.store.setRoomBlocked(roomId, true);
  } catch {
    // Counted by the store's hook.
  }
}
