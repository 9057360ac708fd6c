// Room deletion answers: v1 (synchronous result) and v2 (a delete ID to poll).
import { z } from 'zod';

export const roomDeleteResult = z.looseObject({
  kicked_users: z.array(z.string()),
  failed_to_kick_users: z.array(z.string()),
  local_aliases: z.array(z.string()),
  new_room_id: z.string().nullable().optional(),
});

/** The v1 result as the facade answers it: `new_room_id` always present, null when no new room was made. */
export const roomDeleteResultOut = roomDeleteResult.extend({ new_room_id: z.string().nullable() });

export const roomDeleteV2Result = z.looseObject({ delete_id: z.string() });

export type RoomDeleteResult = z.infer<typeof roomDeleteResult>;
export type RoomDeleteResultOut = z.infer<typeof roomDeleteResultOut>;
