// Room objects: every documented field present, booleans as booleans, `creator: ""` as null.
import type { RoomDetails, RoomDetailsOut, RoomList, RoomListItem, RoomListItemOut, RoomListOut } from '../../schemas/rooms.ts';
import { toBoolean, toBooleanOrNull } from '../../schemas/common.ts';
import { integerText, integerValue } from '../internal/exact-json.ts';

/** The 15 documented room-list fields; unknown fields from newer Synapse releases are kept. */
export function normaliseRoomListItem(room: RoomListItem): RoomListItemOut {
  return {
    ...room,
    name: room.name ?? null,
    canonical_alias: room.canonical_alias ?? null,
    joined_members: room.joined_members ?? null,
    joined_local_members: room.joined_local_members ?? null,
    version: room.version ?? null,
    // Synapse sometimes reports the creator as "" (element-hq/synapse#18563); clients expect null.
    creator: room.creator ? room.creator : null,
    encryption: room.encryption ?? null,
    federatable: toBoolean(room.federatable),
    public: toBoolean(room.public),
    join_rules: room.join_rules ?? null,
    guest_access: room.guest_access ?? null,
    history_visibility: room.history_visibility ?? null,
    state_events: room.state_events ?? null,
    room_type: room.room_type ?? null,
  };
}

/** Room details: the list fields plus those older releases lack, null when unknown. */
export function normaliseRoomDetails(room: RoomDetails): RoomDetailsOut {
  return {
    ...normaliseRoomListItem(room),
    topic: room.topic ?? null,
    avatar: room.avatar ?? null,
    joined_local_devices: room.joined_local_devices ?? null,
    forgotten: toBooleanOrNull(room.forgotten),
    tombstoned: toBooleanOrNull(room.tombstoned),
    replacement_room: room.replacement_room ?? null,
  };
}

/**
 * Rooms list: keeps `offset`, `total_rooms` and the integer `next_batch`/`prev_batch` Synapse sends, and
 * adds `next_token` (the same value as a string) for clients written from the documentation. A
 * `next_batch` that does not move past `offset` (a `limit=0` page) is dropped, so paging cannot loop.
 */
export function normaliseRoomList({ rooms, next_batch, ...rest }: RoomList): RoomListOut {
  // Compared and written exactly: beyond 2^53 two different tokens can be the same double.
  const advances = next_batch !== undefined && integerValue(next_batch) > integerValue(rest.offset);
  return {
    ...rest,
    rooms: rooms.map(normaliseRoomListItem),
    ...(advances ? { next_batch, next_token: integerText(next_batch) } : {}),
  };
}
