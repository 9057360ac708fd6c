// Read your writes: every write through the facade drops the cached reads it can change before its answer
// reaches the client, reads in flight across a write are never stored, and what a write touched is read from
// Synapse directly for a settle window (Synapse finishes some writes in the background).
import { LRUCache } from 'lru-cache';
import { decodePathSegment, encodePathSegment } from '../internal/path.ts';
import { tokenKey } from '../internal/token-hash.ts';
import type { ChangeRevocation, ReplicaChange } from '../replicas/replicas.ts';
import { isTokenRefusalStatus, type AdminGate } from './admin-gate.ts';
import type { ResponseCache } from './response-cache.ts';
import { changesAnything, writeEffects, type WriteEffects } from './write-effects.ts';

const ADMIN = '/_synapse/admin';

/** What a cached owned read shows, from its upstream path (after `/_synapse/admin`). */
export interface ReadScope {
  room?: string;
  roomList?: boolean;
  destination?: string;
  destinationList?: boolean;
  /** Block and delete statuses: never cached for a room the facade has seen a write to. */
  status?: boolean;
}

/** The scope of an owned read by its upstream path, e.g. `/v1/rooms/!a%3Ahs/members`. */
export function readScope(path: string): ReadScope {
  const segments = path.split('/').slice(2);
  const [area, first, second, third] = segments;
  if (area === 'rooms') {
    if (first === undefined) return { roomList: true };
    if (first === 'delete_status') return { status: true };
    const room = decodePathSegment(first);
    return second === 'block' || second === 'delete_status' ? { room, status: true } : { room };
  }
  if (area === 'federation' && first === 'destinations') {
    if (second === undefined) return { destinationList: true };
    const destination = decodePathSegment(second);
    return third === 'rooms' ? { destination, roomList: true } : { destination };
  }
  return { roomList: true, destinationList: true };
}

/** One write under way. */
export interface PendingWrite {
  /** The request is being sent to Synapse. */
  sent(): void;
  /**
   * Called once the outcome is known, before the answer reaches the client (later calls do nothing): with
   * Synapse's status, or without one when there is none (the facade refused it, or the request was sent
   * and failed). A 401/403 or a request never sent changed nothing; anything else may have. What this replica
   * keeps is dropped at once; the promise resolves once the other replicas have been told.
   */
  end(status?: number): Promise<void>;
}

/** Options of the tracker. */
export interface FreshnessOptions {
  cache?: ResponseCache;
  gate?: AdminGate;
  /** How long what a write touched bypasses the cache after it, milliseconds. */
  settleMs: number;
  /** Clock, milliseconds; default Date.now. */
  now?: () => number;
  /** Where the changes of this replica's writes go to reach the other replicas (none: a single process). */
  publish?: (change: ReplicaChange) => Promise<void>;
}

/** Most settle windows kept one by one; past that they become one window over everything. */
const MAX_HOT_KEYS = 10_000;

/** Tracks writes for the cache (what is stale, what may not be stored) and the gate (whose verdicts end). */
export class WriteTracker {
  readonly #cache: ResponseCache | undefined;
  readonly #gate: AdminGate | undefined;
  readonly #settleMs: number;
  readonly #now: () => number;
  /** Settle windows by key (`room:<id>`, `room:*`, `rooms`, `dest:<name>`, `dest:*`, `dests`): end time. */
  readonly #hot = new Map<string, number>();
  /** Rooms written through the facade: their block and delete statuses are always read from Synapse. */
  readonly #written = new LRUCache<string, true>({ max: 10_000 });
  readonly #publish: ((change: ReplicaChange) => Promise<void>) | undefined;
  #generation = 0;
  /** Changes made through other replicas may be missed now: nothing is read from or stored in the cache. */
  #deaf = false;

  constructor({ cache, gate, settleMs, now = Date.now, publish }: FreshnessOptions) {
    this.#cache = cache;
    this.#gate = gate;
    this.#settleMs = settleMs;
    this.#now = now;
    this.#publish = publish;
  }

  /**
   * Whether this replica hears the others' changes. Going deaf drops the cache and the gate's verdicts and keeps
   * both unused (every read bypasses the cache; every token is verified) until it hears again.
   */
  setListening(listening: boolean): void {
    this.#generation += 1;
    this.#deaf = !listening;
    this.#cache?.clear();
    this.#gate?.suspend(!listening);
  }

  /** A change another replica made: dropped here as if it were this replica's own write. */
  applyHeard(change: ReplicaChange): void {
    this.#generation += 1;
    this.#drop(change);
  }

  /** Changes at the start and at the end of every write; a read may only be stored if it did not change. */
  get generation(): number {
    return this.#generation;
  }

  /** Starts a write (`method` not GET/HEAD/OPTIONS) on `rawPath`, made with `token` if it carries one. */
  begin(rawPath: string, token: string | undefined): PendingWrite {
    this.#generation += 1;
    let sent = false;
    let ended = false;
    return {
      sent: () => {
        sent = true;
      },
      end: async (status) => {
        if (ended) return;
        ended = true;
        this.#generation += 1;
        const changed = status === undefined ? sent : !isTokenRefusalStatus(status);
        if (changed) await this.#apply(writeEffects(rawPath), token);
      },
    };
  }

  /** A room changed without a write through the facade being the cause (e.g. its deletion finished). */
  roomChanged(roomId: string): Promise<void> {
    this.#generation += 1;
    return this.#apply({ rooms: [roomId], destinations: [] }, undefined);
  }

  /** Whether a read of `scope` must skip the cache (neither read nor store); `room` is the answer's own room. */
  bypasses(scope: ReadScope, room: string | undefined = scope.room): boolean {
    if (this.#deaf) return true;
    if (room !== undefined && scope.status && this.#written.has(room)) return true;
    if (this.#hot.size === 0) return false;
    const now = this.#now();
    const hot = (key: string) => (this.#hot.get(key) ?? 0) > now;
    if (room !== undefined && (hot(`room:${room}`) || hot('room:*'))) return true;
    if ((scope.roomList || (scope.status && room === undefined)) && hot('rooms')) return true;
    if (scope.destination !== undefined && (hot(`dest:${scope.destination}`) || hot('dest:*'))) return true;
    return scope.destinationList === true && (hot('dests') || hot('rooms'));
  }

  /** Drops what the write changed here, then tells the other replicas the same change. */
  async #apply(effects: WriteEffects, token: string | undefined): Promise<void> {
    if (!changesAnything(effects)) return;
    const revoke = this.#revocationOf(effects.revoke, token);
    const change: ReplicaChange = { rooms: effects.rooms, destinations: effects.destinations, ...(revoke ? { revoke } : {}) };
    this.#drop(change);
    await this.#publish?.(change);
  }

  /** Whose verdicts a write ends, in terms without the token: its key, the caller's user ID, or everyone's. */
  #revocationOf(revoke: WriteEffects['revoke'], token: string | undefined): ChangeRevocation | undefined {
    if (!revoke || (revoke.kind !== 'user' && token === undefined)) return undefined;
    if (revoke.kind === 'token') return { kind: 'token-key', key: tokenKey(token!) };
    const userId = revoke.kind === 'user' ? revoke.userId : this.#gate?.userOf(token!);
    return userId === undefined ? { kind: 'everyone' } : { kind: 'user', userId };
  }

  /** Drops the cached reads and verdicts a change ends, and opens its settle window: for a write here or heard. */
  #drop({ rooms, destinations, revoke }: ReplicaChange): void {
    const effects: WriteEffects = { rooms, destinations };
    this.#cache?.invalidate(stalePaths(effects));
    this.#markHot(effects);
    if (rooms !== 'all') for (const room of rooms) this.#written.set(room, true);
    if (!revoke || !this.#gate) return;
    if (revoke.kind === 'token-key') this.#gate.forgetKey(revoke.key);
    else this.#gate.revokeUser(revoke.kind === 'user' ? revoke.userId : undefined);
  }

  #markHot({ rooms, destinations }: WriteEffects): void {
    const now = this.#now();
    const until = now + this.#settleMs;
    for (const [key, ends] of this.#hot) if (ends <= now) this.#hot.delete(key);
    const keys: string[] = [];
    if (rooms === 'all') keys.push('room:*', 'rooms');
    else if (rooms.length > 0) keys.push('rooms', ...rooms.map((room) => `room:${room}`));
    if (destinations === 'all') keys.push('dest:*', 'dests');
    else if (destinations.length > 0) keys.push('dests', ...destinations.map((destination) => `dest:${destination}`));
    for (const key of keys) this.#hot.set(key, until);
    if (this.#hot.size > MAX_HOT_KEYS) {
      this.#hot.clear();
      for (const key of ['room:*', 'rooms', 'dest:*', 'dests']) this.#hot.set(key, until);
    }
  }
}

/** Cache path patterns (`*` one segment, trailing `/**` the path and anything below) a write makes stale. */
export function stalePaths({ rooms, destinations }: WriteEffects): string[] {
  const paths: string[] = [];
  if (rooms === 'all') paths.push(`${ADMIN}/v1/rooms/**`, `${ADMIN}/v2/rooms/**`);
  else {
    for (const room of rooms) paths.push(`${ADMIN}/v1/rooms/${encodePathSegment(room)}/**`, `${ADMIN}/v2/rooms/${encodePathSegment(room)}/**`);
  }
  if (rooms === 'all' || rooms.length > 0) {
    // Lists show every room; a delete status by ID may be this room's; a join can add destinations and rooms.
    paths.push(`${ADMIN}/v1/rooms`, `${ADMIN}/v2/rooms/delete_status/*`, `${ADMIN}/v1/federation/destinations`, `${ADMIN}/v1/federation/destinations/*/rooms`);
  }
  if (destinations === 'all') paths.push(`${ADMIN}/v1/federation/**`);
  else {
    for (const destination of destinations) paths.push(`${ADMIN}/v1/federation/destinations/${encodePathSegment(destination)}/**`);
    if (destinations.length > 0) paths.push(`${ADMIN}/v1/federation/destinations`);
  }
  return paths;
}
