// delete_status answered from the store where Synapse has forgotten a delete the facade tracked, and the
// by-room list completed with the store's history of the room.
import { jsonBytes } from '../internal/json-bytes.ts';
import type { DeleteRecord } from '../store/store.ts';
import type { FacadeContext, UpstreamAnswer } from './context.ts';
import { jsonObjectOf } from '../internal/exact-json.ts';
import { noteDeleteStatuses } from './delete-tracking.ts';
import type { ValidatedRequest } from './owned-route.ts';

/** Header naming where a delete status came from: `store`, or `synapse+store` for a completed by-room list. */
export const SOURCE_HEADER = 'x-facade-source';

/**
 * Statuses Synapse lists per room (B11: active, complete, failed); a task still scheduled or cancelled is
 * left out there, and so from the store's history too.
 */
const LISTED_BY_ROOM: ReadonlySet<string> = new Set(['active', 'complete', 'failed']);

/** A recorded delete in Synapse's task shape: exactly its four keys (Synapse never sends `error`). */
export function taskOf(record: DeleteRecord): Record<string, unknown> {
  return { delete_id: record.deleteId, room_id: record.roomId, status: record.status, shutdown_room: record.shutdownRoom };
}

/** The answer the store gives for a request Synapse answered 404, if it knows the delete or the room. */
async function fromStore(context: FacadeContext, request: ValidatedRequest): Promise<Buffer | undefined> {
  const { deleteId, roomId } = request.known ?? {};
  if (deleteId !== undefined) {
    const record = await context.store.getDelete(deleteId);
    return record ? jsonBytes(taskOf(record)) : undefined;
  }
  if (roomId === undefined) return undefined;
  const listed = (await context.store.deletesOfRoom(roomId)).filter((record) => LISTED_BY_ROOM.has(record.status));
  return listed.length ? jsonBytes({ results: listed.sort(byLastChange).map(taskOf) }) : undefined;
}

/** Synapse's order: last status change, oldest first. */
const byLastChange = (a: DeleteRecord, b: DeleteRecord) => a.updatedAt - b.updatedAt || a.deleteId.localeCompare(b.deleteId);

/**
 * Synapse's by-room list with the store's tasks it no longer has put first: Synapse forgets a finished task
 * seven days after its last change, so every forgotten task is older than those it still lists.
 */
async function completedByRoom(context: FacadeContext, roomId: string, body: Buffer): Promise<Buffer | undefined> {
  const answer = jsonObjectOf(body);
  if (!answer || !Array.isArray(answer.results)) return undefined;
  const listed = new Set(answer.results.map((task: unknown) => (task as { delete_id?: unknown } | null)?.delete_id));
  const forgotten = (await context.store.deletesOfRoom(roomId)).filter((record) => LISTED_BY_ROOM.has(record.status) && !listed.has(record.deleteId));
  return forgotten.length ? jsonBytes({ ...answer, results: [...forgotten.sort(byLastChange).map(taskOf), ...answer.results] }) : undefined;
}

/**
 * Runs the store's part of a delete-status answer: statuses of a fresh 200 are recorded; a 404 for a delete
 * or room the store knows becomes the store's 200 (`X-Facade-Source: store`); a by-room 200 gets the tasks
 * Synapse forgot. A store that fails leaves Synapse's answer as it was.
 */
export async function withDeleteStore(context: FacadeContext, request: ValidatedRequest, answer: UpstreamAnswer, fresh: boolean): Promise<UpstreamAnswer> {
  try {
    if (answer.status === 404) {
      const body = await fromStore(context, request);
      if (!body) return answer;
      return { status: 200, headers: { 'content-type': 'application/json', [SOURCE_HEADER]: 'store' }, body, shareable: false };
    }
    if (answer.status !== 200 || !answer.shareable) return answer;
    if (fresh) await noteDeleteStatuses(context, answer.body);
    const roomId = request.known?.roomId;
    const completed = roomId === undefined ? undefined : await completedByRoom(context, roomId, answer.body);
    return completed ? { ...answer, headers: { ...answer.headers, [SOURCE_HEADER]: 'synapse+store' }, body: completed } : answer;
  } catch {
    // Logged and counted by the store's error hook.
    return answer;
  }
}
