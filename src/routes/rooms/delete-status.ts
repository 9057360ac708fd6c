// GET /_synapse/admin/v2/rooms/{room_id}/delete_status and /v2/rooms/delete_status/{delete_id}.
import { deleteTask, deleteTaskOut, deleteTasksOfRoom, deleteTasksOfRoomOut } from '../../../schemas/delete-status.ts';
import { encodePathSegment } from '../../internal/path.ts';
import { normaliseDeleteTask } from '../../normalise/delete-task.ts';
import { defineRoute } from '../../pipeline/owned-route.ts';
import { deleteIdSegment, requireRoomId } from '../../pipeline/path-checks.ts';

// Registered before the by-room route, as in Synapse, so `/rooms/delete_status/delete_status` is a delete ID.
export const deleteStatusByIdRoute = defineRoute({
  name: 'GET /v2/rooms/delete_status/{delete_id}',
  summary: 'Status of one room deletion task',
  method: 'GET',
  cache: 'status',
  deleteStatus: true,
  pattern: /^\/_synapse\/admin\/v2\/rooms\/delete_status\/(?<delete_id>[^/]*)$/,
  validate: ({ params }) => ({
    path: `/v2/rooms/delete_status/${deleteIdSegment(params.delete_id!)}`,
    query: [],
    known: { deleteId: params.delete_id! },
  }),
  response: {
    upstream: deleteTask,
    out: deleteTaskOut,
    normalise: (task, request) => normaliseDeleteTask(task, { deleteId: request.known?.deleteId }),
  },
});

export const deleteStatusByRoomRoute = defineRoute({
  name: 'GET /v2/rooms/{room_id}/delete_status',
  summary: 'Status of every deletion task of a room',
  method: 'GET',
  cache: 'status',
  deleteStatus: true,
  pattern: /^\/_synapse\/admin\/v2\/rooms\/(?<room_id>[^/]*)\/delete_status$/,
  validate: ({ params }) => ({
    path: `/v2/rooms/${encodePathSegment(requireRoomId(params.room_id!))}/delete_status`,
    query: [],
    known: { roomId: params.room_id! },
  }),
  response: {
    upstream: deleteTasksOfRoom,
    out: deleteTasksOfRoomOut,
    normalise: ({ results, ...rest }, request) => ({
      ...rest,
      results: results.map((task) => normaliseDeleteTask(task, { roomId: request.known?.roomId })),
    }),
  },
});
