// Builds one room (create event, members, state, messages, extremities) from a compact specification.
import type { RoomRecord } from './types.ts';
import type { EventFactory } from './events.ts';
import { appendEvent } from './events.ts';

/** Everything that varies between mock rooms. */
export interface RoomSpec {
  roomId: string;
  version: string;
  /** Real creator (sender of m.room.create). */
  creatorUserId: string;
  /** Overrides `rooms.creator` (e.g. `""` for the Synapse bug, null for a missing value). */
  creatorColumn?: string | null;
  name: string | null;
  topic?: string | null;
  avatar?: string | null;
  canonicalAlias: string | null;
  joinRule: string | null;
  guestAccess: string | null;
  historyVisibility: string | null;
  encryption: string | null;
  roomType?: string | null;
  federatable: boolean;
  isPublic: boolean;
  localMembers: string[];
  remoteMembers: string[];
  /** Members who joined then left (all of them when the room is empty). */
  formerMembers?: string[];
  /** Power levels of users; default gives the creator 100. */
  powerUsers?: Record<string, number>;
  messageCount: number;
  extremityCount: number;
  replacementRoom?: string;
  startTs: number;
  stepMs: number;
  legacyShape?: boolean;
  sqliteBooleans?: boolean;
  forgotten?: boolean;
  unkickableUsers?: string[];
  deleteAlwaysFails?: boolean;
  devicesPerLocalUser?: number;
}

const MESSAGES = ['hello', 'good morning', 'Ça va ?', 'see the PR', '👍', 'lunch?', 'こんにちは', 'meeting at 3', 'ok', 'Grüße'];

/** One event of a room's history before it exists: what buildRoom appends, in order. */
export interface PlannedEvent {
  type: string;
  sender: string;
  content: Record<string, unknown>;
  ts: number;
  stateKey?: string;
}

/**
 * The room's whole history in creation order (create, members, state, messages, leaves, tombstone), without event
 * IDs or stream orderings, so a large data set can know a room's list columns without keeping its events.
 */
export function plannedEvents(spec: RoomSpec): PlannedEvent[] {
  const planned: PlannedEvent[] = [];
  let ts = spec.startTs;
  const add = (type: string, content: Record<string, unknown>, sender = spec.creatorUserId, stateKey?: string): void => {
    planned.push({ type, sender, content, ts, ...(stateKey === undefined ? {} : { stateKey }) });
    ts += spec.stepMs;
  };
  const createContent: Record<string, unknown> = { room_version: spec.version };
  if (Number(spec.version) < 11) createContent.creator = spec.creatorUserId;
  if (!spec.federatable) createContent['m.federate'] = false;
  if (spec.roomType) createContent.type = spec.roomType;
  add('m.room.create', createContent, spec.creatorUserId, '');
  add('m.room.member', { membership: 'join', displayname: localpart(spec.creatorUserId) }, spec.creatorUserId, spec.creatorUserId);
  const users = spec.powerUsers ?? { [spec.creatorUserId]: 100 };
  add('m.room.power_levels', { users, users_default: 0, events_default: 0, state_default: 50, ban: 50, kick: 50, redact: 50, invite: 0 }, spec.creatorUserId, '');
  if (spec.joinRule !== null) add('m.room.join_rules', { join_rule: spec.joinRule }, spec.creatorUserId, '');
  if (spec.historyVisibility !== null) add('m.room.history_visibility', { history_visibility: spec.historyVisibility }, spec.creatorUserId, '');
  if (spec.guestAccess !== null) add('m.room.guest_access', { guest_access: spec.guestAccess }, spec.creatorUserId, '');
  if (spec.name !== null) add('m.room.name', { name: spec.name }, spec.creatorUserId, '');
  if (spec.topic) add('m.room.topic', { topic: spec.topic }, spec.creatorUserId, '');
  if (spec.avatar) add('m.room.avatar', { url: spec.avatar }, spec.creatorUserId, '');
  if (spec.canonicalAlias !== null) add('m.room.canonical_alias', { alias: spec.canonicalAlias }, spec.creatorUserId, '');
  if (spec.encryption !== null) add('m.room.encryption', { algorithm: spec.encryption }, spec.creatorUserId, '');
  const members = [...spec.localMembers, ...spec.remoteMembers].filter((user) => user !== spec.creatorUserId);
  for (const user of members) add('m.room.member', { membership: 'join', displayname: localpart(user) }, user, user);
  const speakers = [spec.creatorUserId, ...members];
  for (let i = 0; i < spec.messageCount; i++) {
    const sender = speakers[i % speakers.length] ?? spec.creatorUserId;
    add('m.room.message', { msgtype: 'm.text', body: `${MESSAGES[i % MESSAGES.length] ?? 'hi'} #${i}` }, sender);
  }
  const leavers = spec.formerMembers ?? [];
  for (const user of leavers) add('m.room.member', { membership: 'leave' }, user, user);
  if (!members.includes(spec.creatorUserId) && !spec.localMembers.includes(spec.creatorUserId) && !spec.remoteMembers.includes(spec.creatorUserId)) {
    add('m.room.member', { membership: 'leave' }, spec.creatorUserId, spec.creatorUserId);
  }
  if (spec.replacementRoom) add('m.room.tombstone', { body: 'This room has been replaced', replacement_room: spec.replacementRoom }, spec.creatorUserId, '');
  return planned;
}

/** The room record of a spec, without its events (lazily built rooms fill them in later). */
export function roomShell(spec: RoomSpec): Omit<RoomRecord, 'state' | 'timeline' | 'forwardExtremities'> {
  return {
    roomId: spec.roomId,
    version: spec.version,
    creator: spec.creatorColumn === undefined ? spec.creatorUserId : spec.creatorColumn,
    isPublic: spec.isPublic,
    localAliases: spec.canonicalAlias?.endsWith(':mock.example') ? [spec.canonicalAlias] : [],
    devicesPerLocalUser: spec.devicesPerLocalUser ?? 1,
    forgotten: spec.forgotten ?? false,
    sqliteBooleans: spec.sqliteBooleans ?? false,
    legacyShape: spec.legacyShape ?? false,
    unkickableUsers: spec.unkickableUsers ?? [],
    deleteAlwaysFails: spec.deleteAlwaysFails ?? false,
  };
}

/** Creates the room record and its full event history. */
export function buildRoom(factory: EventFactory, spec: RoomSpec): RoomRecord {
  const room: RoomRecord = { ...roomShell(spec), state: new Map(), timeline: [], forwardExtremities: [] };
  for (const event of plannedEvents(spec)) appendEvent(factory, room, event);
  const tail = room.timeline.slice(-spec.extremityCount);
  room.forwardExtremities = spec.extremityCount === 0 ? [] : tail.map((event, index) => ({
    eventId: event.eventId,
    stateGroup: 1000 + event.streamOrdering,
    depth: event.depth,
    receivedTs: index === 0 && tail.length > 2 ? null : event.originServerTs + 15,
    streamOrdering: event.streamOrdering,
  }));
  return room;
}

export function localpart(userId: string): string {
  return userId.slice(1).split(':')[0] ?? userId;
}
