// What a write can change, in one place: which cached reads it makes stale and which admin verdicts it ends.
// Every non-GET request through the facade (owned or passed through, admin or client API) is classified by
// its method and raw path; a write this table does not know is taken to change everything.
import { decodePathSegment } from '../internal/path.ts';

/** Rooms or destinations a write can change: none, some (decoded IDs), or every one. */
export type Targets = 'all' | readonly string[];

/** Whose admin verdicts a write ends. */
export type Revocation =
  /** The caller's own token (logout). */
  | { kind: 'token' }
  /** Every token of the caller's user (logout/all, password change, own deactivation, device deletion). */
  | { kind: 'caller-user' }
  /** Every token of the user named in the path (demotion, deactivation, password reset…). */
  | { kind: 'user'; userId: string };

/** The effects of one write. */
export interface WriteEffects {
  /** Rooms whose details, members, state, statuses and list entries may change. */
  rooms: Targets;
  /** Federation destinations whose details may change. */
  destinations: Targets;
  revoke?: Revocation;
}

/** Methods that never change anything in Synapse: every other method is a write. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

const NOTHING: WriteEffects = { rooms: [], destinations: [] };
const EVERYTHING: WriteEffects = { rooms: 'all', destinations: 'all' };
const ALL_ROOMS: WriteEffects = { rooms: 'all', destinations: [] };

const CLIENT = String.raw`/_matrix/client/(?:r0|v1|v3|unstable(?:/[^/]+)?)`;
const ADMIN = String.raw`/_synapse/admin/v\d+`;

interface Rule {
  pattern: RegExp;
  effects: (groups: Record<string, string>) => WriteEffects;
}

/** A room named in a path: one room by ID; an alias (or anything else) could be any room. */
function roomNamed(rawSegment: string): WriteEffects {
  const room = decodePathSegment(rawSegment);
  return room.startsWith('!') ? { rooms: [room], destinations: [] } : ALL_ROOMS;
}

const rule = (pattern: string, effects: Rule['effects']): Rule => ({ pattern: new RegExp(`^${pattern}$`), effects });
const user = (groups: Record<string, string>) => decodePathSegment(groups.user!);

/**
 * First match wins. Kinds: writes that change nothing the facade caches (typing, receipts, keys, to-device,
 * account data, media, read-only POSTs such as search); writes to one room (by ID; by alias: every room);
 * writes to one destination; writes that can touch many rooms (room creation, registration, profile
 * changes, user deactivation or erasure and any other user admin write, alias changes, purges).
 */
const RULES: readonly Rule[] = [
  // Sessions: no room data changes, but verdicts end.
  rule(`${CLIENT}/logout`, () => ({ ...NOTHING, revoke: { kind: 'token' } })),
  rule(`${CLIENT}/logout/all`, () => ({ ...NOTHING, revoke: { kind: 'caller-user' } })),
  rule(`${CLIENT}/login`, () => NOTHING),
  rule(`${CLIENT}/(?:delete_devices|devices/[^/]*)`, () => ({ ...NOTHING, revoke: { kind: 'caller-user' } })),
  rule(`${CLIENT}/account/password`, () => ({ ...NOTHING, revoke: { kind: 'caller-user' } })),
  rule(`${CLIENT}/account/deactivate`, () => ({ ...ALL_ROOMS, revoke: { kind: 'caller-user' } })),
  // Ephemeral or per-user data that no cached admin read shows; read-only POSTs.
  rule(`${CLIENT}/rooms/[^/]*/(?:typing|receipt|read_markers)(?:/.*)?`, () => NOTHING),
  rule(`${CLIENT}/(?:keys|room_keys|sendToDevice|presence|pushrules|pushers|dehydrated_device|thirdparty)(?:/.*)?`, () => NOTHING),
  rule(`${CLIENT}/user/[^/]*/(?:filter|account_data|rooms/[^/]*/(?:account_data|tags))(?:/.*)?`, () => NOTHING),
  rule(`${CLIENT}/(?:search|publicRooms|user_directory/search)`, () => NOTHING),
  rule(String.raw`/_matrix/(?:media|client/v1/media)/.*`, () => NOTHING),
  // One room.
  rule(`${CLIENT}/rooms/(?<room>[^/]*)(?:/.*)?`, ({ room }) => roomNamed(room!)),
  rule(`${CLIENT}/(?:join|knock)/(?<room>[^/]*)`, ({ room }) => roomNamed(room!)),
  rule(`${CLIENT}/directory/list/room/(?<room>[^/]*)`, ({ room }) => roomNamed(room!)),
  rule(`${ADMIN}/join/(?<room>[^/]*)`, ({ room }) => roomNamed(room!)),
  rule(`${ADMIN}/rooms/(?<room>[^/]*)(?:/.*)?`, ({ room }) => roomNamed(room!)),
  rule(`${ADMIN}/(?:purge_history|shutdown_room|room)/(?<room>[^/]*)(?:/.*)?`, ({ room }) => roomNamed(room!)),
  // One destination.
  rule(`${ADMIN}/federation/destinations/(?<destination>[^/]*)(?:/.*)?`, ({ destination }) => ({
    rooms: [],
    destinations: [decodePathSegment(destination!)],
  })),
  // Users: any admin write to a user can change their memberships or profile in many rooms, and their rights.
  rule(`${ADMIN}/users/(?<user>[^/]*)(?:/.*)?`, (groups) => ({ ...ALL_ROOMS, revoke: { kind: 'user', userId: user(groups) } })),
  rule(`${ADMIN}/(?:deactivate|reset_password)/(?<user>[^/]*)`, (groups) => ({ ...ALL_ROOMS, revoke: { kind: 'user', userId: user(groups) } })),
];

/** The effects of a write (a request that is not GET, HEAD or OPTIONS) on `rawPath`. */
export function writeEffects(rawPath: string): WriteEffects {
  for (const { pattern, effects } of RULES) {
    const match = pattern.exec(rawPath);
    if (match) return effects(match.groups ?? {});
  }
  return EVERYTHING;
}

/** Whether a write changes anything cached or any verdict. */
export function changesAnything(effects: WriteEffects): boolean {
  return effects.revoke !== undefined || effects.rooms === 'all' || effects.rooms.length > 0 || effects.destinations === 'all' || effects.destinations.length > 0;
}
