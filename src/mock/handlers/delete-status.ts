// GET v2 delete status by room and by delete ID (Synapse: DeleteRoomStatusByRoomId/ByDeleteId servlets).
import type { Route } from '../internal/route.ts';
import { MatrixError } from '../internal/respond.ts';
import { assertLegalRoomId } from '../internal/resolve-room.ts';
import { renderDeleteTask } from '../data/delete-task-runner.ts';

const LISTED_BY_ROOM = new Set(['active', 'complete', 'failed']);

export const deleteStatusByRoomRoute: Route = {
  methods: ['GET'],
  pattern: /^\/_synapse\/admin\/v2\/rooms\/([^/]*)\/delete_status$/,
  auth: 'admin',
  handle({ params, state }) {
    const roomId = params[0] ?? '';
    assertLegalRoomId(roomId);
    // Scheduled (and cancelled) tasks are not listed by room.
    const tasks = state.deleteTasks.filter((task) => task.roomId === roomId && LISTED_BY_ROOM.has(task.status));
    if (tasks.length === 0) throw new MatrixError(404, 'M_NOT_FOUND', `No delete task for room_id '${roomId}' found`);
    return { results: [...tasks].sort((a, b) => a.timestamp - b.timestamp).map(renderDeleteTask) };
  },
};

export const deleteStatusByIdRoute: Route = {
  methods: ['GET'],
  pattern: /^\/_synapse\/admin\/v2\/rooms\/delete_status\/([^/]*)$/,
  auth: 'admin',
  handle({ params, state }) {
    const deleteId = params[0] ?? '';
    const task = state.deleteTasks.find((candidate) => candidate.deleteId === deleteId);
    if (task === undefined) throw new MatrixError(404, 'M_NOT_FOUND', `delete id '${deleteId}' not found`);
    return renderDeleteTask(task);
  },
};
