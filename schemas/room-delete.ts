// Room deletion answers: v1 (synchronous result) and v2 (a delete ID to poll).
import { z } from 'zod';

export const roomDeleteResult = z.looseObject({
  kicked_users: z.array(z.string()),
  failed_to_kick_users: z.array(z.string()),
  local_aliases: z.array(z.string()),
  new_room_id: z.string().nullable().optional(),
});

export const roomDeleteV2Result = z.looseObject({ delete_id: z.string() });

export type RoomDeleteResult = z.infer<typeof roomDeleteResult>;
