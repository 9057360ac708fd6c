// Drives v2 delete tasks from timestamps (scheduled → active → complete/failed) so no timers are left running.
import type { MockState } from '../data.ts';
import type { DeleteRequest, DeleteTask } from './types.ts';
import { emptyShutdownResult, purgeRoom, shutdownRoom } from './shutdown.ts';
import { randomDeleteId } from '../internal/ids.ts';
import { MatrixError } from '../internal/respond.ts';

/** Schedules a `shutdown_and_purge_room` task; it becomes active after `scheduledMs`. */
export function scheduleDeleteTask(state: MockState, roomId: string, request: DeleteRequest, nowMs: number): DeleteTask {
  const activeAt = nowMs + state.deleteTaskTiming.scheduledMs;
  const task: DeleteTask = {
    deleteId: randomDeleteId(state.runtimePrng), roomId, action: 'shutdown_and_purge_room', status: 'scheduled',
    timestamp: nowMs, shutdownRoom: null, request, activeAt, finishAt: activeAt + state.deleteTaskTiming.activeMs,
  };
  state.deleteTasks.push(task);
  return task;
}

/** Applies every status change due by `nowMs`, in order. */
export function advanceDeleteTasks(state: MockState, nowMs: number): void {
  for (const task of state.deleteTasks) {
    if (task.status === 'scheduled' && task.activeAt !== null && nowMs >= task.activeAt) startTask(state, task, task.activeAt);
    if (task.status === 'active' && task.finishAt !== null && nowMs >= task.finishAt) finishTask(state, task, task.finishAt);
  }
}

function startTask(state: MockState, task: DeleteTask, atMs: number): void {
  task.status = 'active';
  task.timestamp = atMs;
  const request = task.request;
  if (request === null) return;
  task.shutdownRoom = shutdownRoom(state, task.roomId, {
    requesterUserId: request.requesterUserId, block: request.block, newRoomUserId: request.newRoomUserId,
    roomName: request.roomName, message: request.message,
  }, atMs);
}

function finishTask(state: MockState, task: DeleteTask, atMs: number): void {
  task.timestamp = atMs;
  task.activeAt = null;
  task.finishAt = null;
  task.shutdownRoom ??= emptyShutdownResult();
  if (state.rooms.get(task.roomId)?.deleteAlwaysFails) {
    task.status = 'failed';
    return;
  }
  try {
    if (task.request?.purge !== false) purgeRoom(state, task.roomId, task.request?.forcePurge ?? false);
    task.status = 'complete';
  } catch (error) {
    if (!(error instanceof MatrixError)) throw error;
    task.status = 'failed';
  }
}

/** The four keys Synapse returns for a delete task (1.93+, the task scheduler). */
export function renderDeleteTask(task: DeleteTask): Record<string, unknown> {
  return { delete_id: task.deleteId, room_id: task.roomId, status: task.status, shutdown_room: task.shutdownRoom };
}

/**
 * A task as Synapse before 1.93 shows it (v1.92.3 synapse/handlers/pagination.py DeleteStatus.asdict): status and
 * shutdown_room only; `purging` until the shutdown starts, `shutting_down` for the first half of the active time,
 * `purging` for the second; shutdown_room is the empty result until the shutdown is done.
 */
export function renderLegacyDeleteTask(task: DeleteTask, nowMs: number): Record<string, unknown> {
  const { activeAt, finishAt } = task;
  const shuttingDown = task.status === 'active' && activeAt !== null && finishAt !== null && nowMs < (activeAt + finishAt) / 2;
  const status = task.status === 'scheduled' ? 'purging' : task.status === 'active' ? (shuttingDown ? 'shutting_down' : 'purging') : task.status;
  return { status, shutdown_room: task.shutdownRoom === null || shuttingDown || task.status === 'scheduled' ? emptyShutdownResult() : task.shutdownRoom };
}
