// Rooms admin API: request parameters (in Synapse's check order) and response contracts.
// Synapse: synapse/rest/admin/rooms.py, synapse/storage/databases/main/room.py
import { z } from 'zod';
import { jsonInteger, optionalInteger, optionalString, sqliteBoolean } from './common.ts';
import { direction, synapseBoolean, synapseInteger, synapseString } from './query-params.ts';

/** RoomSortOrder values in Synapse's declaration order (the order of its error message). */
export const ROOM_ORDER_BY = [
  'alphabetical',
  'size',
  'name',
  'canonical_alias',
  'joined_members',
  'joined_local_members',
  'version',
  'creator',
  'encryption',
  'federatable',
  'public',
  'join_rules',
  'guest_access',
  'history_visibility',
  'state_events',
] as const;

/**
 * GET /v1/rooms: from → limit → order_by → search_term → public_rooms → empty_rooms → dir.
 * The deprecated `alphabetical` and `size` are accepted, as Synapse does (aliases of name/joined_members).
 */
export const roomListQuery = {
  from: synapseInteger('from', { defaultValue: 0n }),
  limit: synapseInteger('limit', { defaultValue: 100n }),
  order_by: synapseString('order_by', { defaultValue: 'name', allowedValues: ROOM_ORDER_BY }),
  search_term: synapseString('search_term', { encoding: 'utf-8', emptyError: 'search_term cannot be an empty string' }),
  public_rooms: synapseBoolean('public_rooms'),
  empty_rooms: synapseBoolean('empty_rooms'),
  dir: direction,
};

/** One room of the list, as any supported Synapse release may send it. */
export const roomListItem = z.looseObject({
  room_id: z.string(),
  name: optionalString,
  canonical_alias: optionalString,
  joined_members: optionalInteger,
  joined_local_members: optionalInteger,
  version: optionalString,
  creator: optionalString,
  encryption: optionalString,
  federatable: sqliteBoolean.optional(),
  public: sqliteBoolean.optional(),
  join_rules: optionalString,
  guest_access: optionalString,
  history_visibility: optionalString,
  state_events: optionalInteger,
  room_type: optionalString,
});

export const roomList = z.looseObject({
  rooms: z.array(roomListItem),
  offset: jsonInteger,
  total_rooms: jsonInteger,
  next_batch: jsonInteger.optional(),
  prev_batch: jsonInteger.optional(),
});

/** Room details: the list fields plus topic, avatar, devices, forgotten and tombstone (1.153+). */
export const roomDetails = roomListItem.extend({
  topic: optionalString,
  avatar: optionalString,
  joined_local_devices: optionalInteger,
  forgotten: sqliteBoolean.optional(),
  tombstoned: sqliteBoolean.optional(),
  replacement_room: optionalString,
});

export const roomMembers = z.looseObject({ members: z.array(z.string()), total: jsonInteger });

/** A room of the list as the facade answers it: all 15 documented fields present, null when unknown. */
export const roomListItemOut = z.looseObject({
  room_id: z.string(),
  name: z.string().nullable(),
  canonical_alias: z.string().nullable(),
  joined_members: jsonInteger.nullable(),
  joined_local_members: jsonInteger.nullable(),
  version: z.string().nullable(),
  /** Never `""`: Synapse's empty creator (element-hq/synapse#18563) is answered as null. */
  creator: z.string().min(1).nullable(),
  encryption: z.string().nullable(),
  federatable: z.boolean(),
  public: z.boolean(),
  join_rules: z.string().nullable(),
  guest_access: z.string().nullable(),
  history_visibility: z.string().nullable(),
  state_events: jsonInteger.nullable(),
  room_type: z.string().nullable(),
});

/** The rooms list as the facade answers it: `next_token` (a string) beside `next_batch`, both only when paging advances. */
export const roomListOut = z.looseObject({
  rooms: z.array(roomListItemOut),
  offset: jsonInteger,
  total_rooms: jsonInteger,
  next_batch: jsonInteger.optional(),
  next_token: z.string().optional(),
  prev_batch: jsonInteger.optional(),
});

/** Room details as the facade answers them; tri-state `forgotten`/`tombstoned` (null: release too old to say). */
export const roomDetailsOut = roomListItemOut.extend({
  topic: z.string().nullable(),
  avatar: z.string().nullable(),
  joined_local_devices: jsonInteger.nullable(),
  forgotten: z.boolean().nullable(),
  tombstoned: z.boolean().nullable(),
  replacement_room: z.string().nullable(),
});

export type RoomListItem = z.infer<typeof roomListItem>;
export type RoomList = z.infer<typeof roomList>;
export type RoomDetails = z.infer<typeof roomDetails>;
export type RoomListItemOut = z.infer<typeof roomListItemOut>;
export type RoomListOut = z.infer<typeof roomListOut>;
export type RoomDetailsOut = z.infer<typeof roomDetailsOut>;

/** GET /v1/rooms/{room_id}/state: `type` (ascii; empty means no filter). */
export const roomStateQuery = {
  type: synapseString('type'),
};

export const roomState = z.looseObject({ state: z.array(z.looseObject({ type: z.string() })) });

/** GET /v1/rooms/{room_id}/block. `user_id` only when blocked. */
export const roomBlockStatus = z.looseObject({ block: z.boolean(), user_id: z.string().optional() });

/** Block status as the facade answers it: `user_id` always present, null when the room is not blocked. */
export const roomBlockStatusOut = z.looseObject({ block: z.boolean(), user_id: z.string().nullable() });

/** Forward extremities of a room. */
export const forwardExtremities = z.looseObject({
  count: jsonInteger,
  results: z.array(
    z.looseObject({
      event_id: z.string(),
      state_group: optionalInteger,
      depth: optionalInteger,
      received_ts: optionalInteger,
    }),
  ),
});

/** Forward extremities as the facade answers them: every column present, null when Synapse left it out. */
export const forwardExtremitiesOut = z.looseObject({
  count: jsonInteger,
  results: z.array(
    z.looseObject({
      event_id: z.string(),
      state_group: jsonInteger.nullable(),
      depth: jsonInteger.nullable(),
      received_ts: jsonInteger.nullable(),
    }),
  ),
});

/** DELETE …/forward_extremities: how many extremities Synapse deleted. */
export const forwardExtremitiesDeleted = z.looseObject({ deleted: jsonInteger });

export type RoomBlockStatus = z.infer<typeof roomBlockStatus>;
export type ForwardExtremities = z.infer<typeof forwardExtremities>;
