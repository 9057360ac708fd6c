// Delete tasks: always delete_id, room_id, status and shutdown_room; old status names mapped.
import type { DeleteTask, DeleteTaskOut } from '../../schemas/delete-status.ts';

/** Status names of Synapse before 1.93 (and of its old documentation) that mean "still running". */
const LEGACY_ACTIVE = new Set(['shutting_down', 'purging']);

/** What the facade knows about a task from the request path, used where old releases left fields out. */
export interface KnownTaskIds {
  deleteId?: string;
  roomId?: string;
}

/** A task with the four documented keys (extra keys kept); `shutting_down`/`purging` reported as `active`. */
export function normaliseDeleteTask(task: DeleteTask, { deleteId, roomId }: KnownTaskIds = {}): DeleteTaskOut {
  return {
    ...task,
    delete_id: task.delete_id ?? deleteId ?? null,
    room_id: task.room_id ?? roomId ?? null,
    status: LEGACY_ACTIVE.has(task.status) ? 'active' : task.status,
    shutdown_room: task.shutdown_room ?? null,
  };
}
