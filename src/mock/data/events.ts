// Event creation and rendering: stream orderings, event IDs and Synapse's client event format.
import type { RoomRecord, StoredEvent } from './types.ts';
import type { Prng } from '../internal/prng.ts';
import { URLSAFE_BASE64 } from '../internal/prng.ts';

/** Hands out stream orderings and event IDs; one per mock instance. */
export interface EventFactory {
  prng: Prng;
  nextStreamOrdering(): number;
  currentStreamOrdering(): number;
}

export function createEventFactory(prng: Prng, firstStreamOrdering = 1): EventFactory {
  let stream = firstStreamOrdering - 1;
  return { prng, nextStreamOrdering: () => ++stream, currentStreamOrdering: () => stream };
}

export function stateKeyOf(type: string, stateKey: string): string {
  return `${type}\u0000${stateKey}`;
}

/** Appends an event to the room's timeline; state events also replace the current state. */
export function appendEvent(
  factory: EventFactory,
  room: RoomRecord,
  event: { type: string; sender: string; content: Record<string, unknown>; ts: number; stateKey?: string },
): StoredEvent {
  const last = room.timeline.at(-1);
  const stored: StoredEvent = {
    eventId: `$${factory.prng.chars(43, URLSAFE_BASE64)}`,
    roomId: room.roomId,
    type: event.type,
    sender: event.sender,
    content: event.content,
    originServerTs: event.ts,
    streamOrdering: factory.nextStreamOrdering(),
    depth: (last?.depth ?? 0) + 1,
  };
  if (event.stateKey !== undefined) {
    stored.stateKey = event.stateKey;
    room.state.set(stateKeyOf(event.type, event.stateKey), stored);
  }
  room.timeline.push(stored);
  return stored;
}

/** Client-format event as the admin APIs return it (`unsigned.age` relative to `nowMs`). */
export function renderEvent(event: StoredEvent, nowMs: number): Record<string, unknown> {
  const rendered: Record<string, unknown> = {
    type: event.type,
    room_id: event.roomId,
    sender: event.sender,
    content: event.content,
  };
  if (event.stateKey !== undefined) rendered.state_key = event.stateKey;
  rendered.origin_server_ts = event.originServerTs;
  rendered.unsigned = { age: Math.max(0, nowMs - event.originServerTs) };
  rendered.event_id = event.eventId;
  rendered.user_id = event.sender;
  return rendered;
}

/** What the state readers below need of a room: its current state (a whole room, or one replayed from a plan). */
export interface RoomStateView {
  state: ReadonlyMap<string, Pick<StoredEvent, 'type' | 'stateKey' | 'content'>>;
}

/** Membership of `userId` in the room's current state, if any. */
export function membershipOf(room: RoomStateView, userId: string): string | undefined {
  const event = room.state.get(stateKeyOf('m.room.member', userId));
  const membership = event?.content.membership;
  return typeof membership === 'string' ? membership : undefined;
}

/** Users currently joined (local and remote), in state order. */
export function joinedMembers(room: RoomStateView): string[] {
  const joined: string[] = [];
  for (const event of room.state.values()) {
    if (event.type === 'm.room.member' && event.content.membership === 'join' && event.stateKey !== undefined) {
      joined.push(event.stateKey);
    }
  }
  return joined;
}

/** Content of the current state event of `type` with empty state key. */
export function stateContent(room: RoomStateView, type: string): Record<string, unknown> | undefined {
  return room.state.get(stateKeyOf(type, ''))?.content;
}
