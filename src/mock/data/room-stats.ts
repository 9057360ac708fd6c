// Derives Synapse's room_stats_state / room_stats_current columns from a room's current state.
import type { RoomRecord } from './types.ts';
import type { RoomStateView } from './events.ts';
import type { PlannedEvent } from './room-builder.ts';
import { joinedMembers, stateContent, stateKeyOf } from './events.ts';
import { isMineId } from '../internal/ids.ts';

/** The columns the rooms list and details read. */
export interface RoomStats {
  name: string | null;
  canonicalAlias: string | null;
  topic: string | null;
  avatar: string | null;
  joinRules: string | null;
  guestAccess: string | null;
  historyVisibility: string | null;
  encryption: string | null;
  roomType: string | null;
  federatable: boolean;
  joinedMembers: number;
  joinedLocalMembers: number;
  stateEvents: number;
  replacementRoom: string | null;
  tombstoned: boolean;
}

/** A room that knows its list columns before its events exist (a lazily built room of a large data set). */
export interface PlannedStats {
  /** The columns while the room is not built yet; undefined once its events exist. */
  plannedStats(): RoomStats | undefined;
}

function stringField(room: RoomStateView, type: string, key: string): string | null {
  const value = stateContent(room, type)?.[key];
  return typeof value === 'string' ? value : null;
}

/** The room's columns, from its current state (or as planned while a lazily built room has no events yet). */
export function roomStats(room: RoomRecord): RoomStats {
  return (room as Partial<PlannedStats>).plannedStats?.() ?? stateStats(room);
}

/** The columns a room will have once its planned history exists, without creating its events. */
export function plannedRoomStats(events: readonly PlannedEvent[]): RoomStats {
  const state = new Map<string, PlannedEvent>();
  for (const event of events) if (event.stateKey !== undefined) state.set(stateKeyOf(event.type, event.stateKey), event);
  return stateStats({ state });
}

function stateStats(room: RoomStateView): RoomStats {
  const joined = joinedMembers(room);
  const tombstone = stateContent(room, 'm.room.tombstone');
  return {
    name: stringField(room, 'm.room.name', 'name'),
    canonicalAlias: stringField(room, 'm.room.canonical_alias', 'alias'),
    topic: stringField(room, 'm.room.topic', 'topic'),
    avatar: stringField(room, 'm.room.avatar', 'url'),
    joinRules: stringField(room, 'm.room.join_rules', 'join_rule'),
    guestAccess: stringField(room, 'm.room.guest_access', 'guest_access'),
    historyVisibility: stringField(room, 'm.room.history_visibility', 'history_visibility'),
    encryption: stringField(room, 'm.room.encryption', 'algorithm'),
    roomType: stringField(room, 'm.room.create', 'type'),
    federatable: stateContent(room, 'm.room.create')?.['m.federate'] !== false,
    joinedMembers: joined.length,
    joinedLocalMembers: joined.filter(isMineId).length,
    stateEvents: room.state.size,
    tombstoned: tombstone !== undefined,
    replacementRoom: typeof tombstone?.replacement_room === 'string' ? tombstone.replacement_room : null,
  };
}

/** A boolean column as this room's backend would send it (SQLite: 0/1). */
export function sqlBoolean(room: RoomRecord, value: boolean): boolean | number {
  return room.sqliteBooleans ? (value ? 1 : 0) : value;
}
