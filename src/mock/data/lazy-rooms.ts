// The extra rooms of a large data set (`roomCount`): list columns known from the start, events built only when
// something reads the room, so 100,000 rooms fit in memory and start in seconds.
import type { EventFactory } from './events.ts';
import type { ForwardExtremity, RoomRecord, StoredEvent } from './types.ts';
import type { PlannedStats, RoomStats } from './room-stats.ts';
import { createPrng } from '../internal/prng.ts';
import { generatedRoom } from './generated-rooms.ts';
import { buildRoom, plannedEvents, roomShell } from './room-builder.ts';
import { plannedRoomStats } from './room-stats.ts';

/** Where a lazy room's events come from: the data set's seed and its event factory (stream orderings). */
interface LazySource {
  seed: number;
  factory: EventFactory;
}

/** Generated room `index` draws from its own stream, so it can be rebuilt alone, in any order, identically. */
const roomPrng = (seed: number, index: number) => createPrng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);

type RoomEvents = Pick<RoomRecord, 'state' | 'timeline' | 'forwardExtremities'>;

/** A generated room whose events exist only after the first read of its state, timeline or extremities. */
class LazyRoom implements RoomRecord, PlannedStats {
  readonly roomId: string;
  readonly version: string;
  readonly creator: string | null;
  readonly isPublic: boolean;
  localAliases: string[];
  readonly devicesPerLocalUser: number;
  forgotten: boolean;
  readonly sqliteBooleans: boolean;
  readonly legacyShape: boolean;
  readonly unkickableUsers: string[];
  readonly deleteAlwaysFails: boolean;
  readonly #source: LazySource;
  readonly #index: number;
  #planned: RoomStats | undefined;
  #events: RoomEvents | undefined;

  constructor(source: LazySource, index: number) {
    const spec = generatedRoom(roomPrng(source.seed, index), index);
    const shell = roomShell(spec);
    this.roomId = shell.roomId;
    this.version = shell.version;
    this.creator = shell.creator;
    this.isPublic = shell.isPublic;
    this.localAliases = shell.localAliases;
    this.devicesPerLocalUser = shell.devicesPerLocalUser;
    this.forgotten = shell.forgotten;
    this.sqliteBooleans = shell.sqliteBooleans;
    this.legacyShape = shell.legacyShape;
    this.unkickableUsers = shell.unkickableUsers;
    this.deleteAlwaysFails = shell.deleteAlwaysFails;
    this.#source = source;
    this.#index = index;
    this.#planned = plannedRoomStats(plannedEvents(spec));
  }

  /** Whether the events exist (a room never read has none a client could know the ID of). */
  get built(): boolean {
    return this.#events !== undefined;
  }

  plannedStats(): RoomStats | undefined {
    return this.#planned;
  }

  get state(): Map<string, StoredEvent> { return this.#build().state; }
  get timeline(): StoredEvent[] { return this.#build().timeline; }
  get forwardExtremities(): ForwardExtremity[] { return this.#build().forwardExtremities; }
  set forwardExtremities(extremities: ForwardExtremity[]) { this.#build().forwardExtremities = extremities; }

  /** Regenerates the spec from the room's own stream, then its events (IDs from that stream, orderings shared). */
  #build(): RoomEvents {
    if (this.#events === undefined) {
      const prng = roomPrng(this.#source.seed, this.#index);
      const built = buildRoom({ ...this.#source.factory, prng }, generatedRoom(prng, this.#index));
      this.#events = { state: built.state, timeline: built.timeline, forwardExtremities: built.forwardExtremities };
      // From now on the columns follow the state, which mutations change.
      this.#planned = undefined;
    }
    return this.#events;
  }
}

/** Generated rooms `firstIndex` … `firstIndex + count − 1`, built lazily from `seed`. */
export function lazyGeneratedRooms(source: LazySource, firstIndex: number, count: number): RoomRecord[] {
  return Array.from({ length: count }, (_, offset) => new LazyRoom(source, firstIndex + offset));
}

/** False for a lazy room nobody has read yet: it has no events, so no event ID of it can be known. */
export function hasEvents(room: RoomRecord): boolean {
  return !(room instanceof LazyRoom) || room.built;
}
