// DELETE v1 (synchronous) and v2 (task) room deletion (Synapse: rest/admin/rooms.py RoomRestServlet / RoomRestV2Servlet).
import type { Route, RouteContext } from '../internal/route.ts';
import type { DeleteRequest } from '../data/types.ts';
import { MatrixError } from '../internal/respond.ts';
import { optionalBooleanParam, readJsonObject } from '../internal/body.ts';
import { assertLegalRoomId } from '../internal/resolve-room.ts';
import { isMineId } from '../internal/ids.ts';
import { blockRoom, emptyShutdownResult, purgeRoom, shutdownRoom } from '../data/shutdown.ts';
import { scheduleDeleteTask } from '../data/delete-task-runner.ts';

const optionalString = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Body and room ID checks shared by v1 and v2, in Synapse's order. */
async function readDeleteRequest({ request, params, requester }: RouteContext): Promise<{ roomId: string; options: DeleteRequest }> {
  const body = await readJsonObject(request);
  const block = optionalBooleanParam(body, 'block', false);
  const purge = optionalBooleanParam(body, 'purge', true);
  const forcePurge = optionalBooleanParam(body, 'force_purge', false);
  const roomId = params[0] ?? '';
  assertLegalRoomId(roomId);
  const newRoomUserId = body.new_room_user_id === undefined || body.new_room_user_id === null ? null : String(body.new_room_user_id);
  return {
    roomId,
    options: {
      block, purge, forcePurge, requesterUserId: requester.userId, newRoomUserId,
      roomName: optionalString(body.room_name), message: optionalString(body.message),
    },
  };
}

export const deleteRoomV1Route: Route = {
  methods: ['DELETE'],
  pattern: /^\/_synapse\/admin\/v1\/rooms\/([^/]*)$/,
  auth: 'admin',
  async handle(context) {
    const { state, nowMs } = context;
    const { roomId, options } = await readDeleteRequest(context);
    // Synapse blocks first, so a later failure (e.g. a remote new_room_user_id) still leaves the room blocked.
    if (options.block) blockRoom(state, roomId, options.requesterUserId);
    const result = state.rooms.has(roomId) ? shutdownRoom(state, roomId, options, nowMs) : emptyShutdownResult();
    if (options.purge) purgeRoom(state, roomId, options.forcePurge);
    return result;
  },
};

export const deleteRoomV2Route: Route = {
  methods: ['DELETE'],
  pattern: /^\/_synapse\/admin\/v2\/rooms\/([^/]*)$/,
  auth: 'admin',
  async handle(context) {
    const { state, nowMs } = context;
    const { roomId, options } = await readDeleteRequest(context);
    if (state.deleteTasks.some((task) => task.roomId === roomId && task.status === 'active')) {
      throw new MatrixError(400, 'M_UNKNOWN', `Purge already in progress for ${roomId}`);
    }
    if (options.newRoomUserId !== null && !isMineId(options.newRoomUserId)) {
      throw new MatrixError(400, 'M_UNKNOWN', `User must be our own: ${options.newRoomUserId}`);
    }
    return { delete_id: scheduleDeleteTask(state, roomId, options, nowMs).deleteId };
  },
};
