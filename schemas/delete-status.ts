// Room deletion tasks (v2 delete status).
// Synapse: synapse/rest/admin/rooms.py _convert_delete_task_to_response
import { z } from 'zod';

/** Current status names; `shutting_down` and `purging` come from releases before the task scheduler. */
export const DELETE_STATUSES = ['scheduled', 'active', 'complete', 'failed', 'cancelled'] as const;

export const shutdownRoomResult = z.looseObject({
  kicked_users: z.array(z.string()).optional(),
  failed_to_kick_users: z.array(z.string()).optional(),
  local_aliases: z.array(z.string()).optional(),
  new_room_id: z.string().nullable().optional(),
});

export const deleteTask = z.looseObject({
  delete_id: z.string().optional(),
  room_id: z.string().optional(),
  status: z.string(),
  shutdown_room: shutdownRoomResult.nullable().optional(),
});

export const deleteTasksOfRoom = z.looseObject({ results: z.array(deleteTask) });

/** A task as the facade answers it: the four documented keys always present, legacy status names mapped. */
export const deleteTaskOut = z.looseObject({
  delete_id: z.string().nullable(),
  room_id: z.string().nullable(),
  status: z.string().describe(`One of ${DELETE_STATUSES.join(', ')}; a newer Synapse may add others.`),
  shutdown_room: shutdownRoomResult.nullable(),
});

export const deleteTasksOfRoomOut = z.looseObject({ results: z.array(deleteTaskOut) });

export type DeleteTask = z.infer<typeof deleteTask>;
export type DeleteTasksOfRoom = z.infer<typeof deleteTasksOfRoom>;
export type DeleteTaskOut = z.infer<typeof deleteTaskOut>;
export type DeleteTasksOfRoomOut = z.infer<typeof deleteTasksOfRoomOut>;
