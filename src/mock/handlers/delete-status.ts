// GET v2 delete status by room and by delete ID (Synapse: DeleteRoomStatusByRoomId/ByDeleteId servlets).
import type { Route } from '../internal/route.ts';
import { MatrixError } from '../internal/respond.ts';
import { assertLegalRoomId } from '../internal/resolve-room.ts';
import { renderDeleteTask, renderLegacyDeleteTask } from '../data/delete-task-runner.ts';
import type { MockState } from '../data.ts';
import type { DeleteTask } from '../data/types.ts';

const LISTED_BY_ROOM = new Set(['active', 'complete', 'failed']);

export const deleteStatusByRoomRoute: Route = {
  methods: ['GET'],
  pattern: /^\/_synapse\/admin\/v2\/rooms\/([^/]*)\/delete_status$/,
  auth: 'admin',
  handle({ params, state, nowMs }) {
    const roomId = params[0] ?? '';
    assertLegalRoomId(roomId);
    // Scheduled (and cancelled) tasks are not listed by room; before 1.93 every task of the room is.
    const tasks = state.deleteTasks.filter((task) => task.roomId === roomId && (state.release.legacyDeleteTasks || LISTED_BY_ROOM.has(task.status)));
    if (tasks.length === 0) throw new MatrixError(404, 'M_NOT_FOUND', `No delete task for room_id '${roomId}' found`);
    return { results: [...tasks].sort((a, b) => a.timestamp - b.timestamp).map((task) => ({ ...(state.release.legacyDeleteTasks ? { delete_id: task.deleteId } : {}), ...render(state, task, nowMs) })) };
  },
};

export const deleteStatusByIdRoute: Route = {
  methods: ['GET'],
  pattern: /^\/_synapse\/admin\/v2\/rooms\/delete_status\/([^/]*)$/,
  auth: 'admin',
  handle({ params, state, nowMs }) {
    const deleteId = params[0] ?? '';
    const task = state.deleteTasks.find((candidate) => candidate.deleteId === deleteId);
    if (task === undefined) throw new MatrixError(404, 'M_NOT_FOUND', `delete id '${deleteId}' not found`);
    return render(state, task, nowMs);
  },
};

/** A task in the shape of the release the mock plays. */
function render(state: MockState, task: DeleteTask, nowMs: number): Record<string, unknown> {
  return state.release.legacyDeleteTasks ? renderLegacyDeleteTask(task, nowMs) : renderDeleteTask(task);
}
