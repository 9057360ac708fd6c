// Identifier validation as Synapse does it (synapse/types/__init__.py RoomID/RoomAlias/UserID, synapse/util/stringutils.py).
import { isIPv6 } from 'node:net';
import { MatrixError } from './respond.ts';
import { SERVER_NAME } from '../constants.ts';
import { ASCII_LETTERS } from './prng.ts';
import type { Prng } from './prng.ts';

/** Synapse: parse_and_validate_server_name (port only needs to be int()-parsable). */
export function isValidServerName(serverName: string): boolean {
  let host = serverName;
  if (!serverName.endsWith(']')) {
    const colon = serverName.lastIndexOf(':');
    if (colon >= 0) {
      host = serverName.slice(0, colon);
      // Python's int() also reads Unicode digits and spaces.
      if (!/^\s*[+-]?\p{Nd}+(?:_\p{Nd}+)*\s*$/u.test(serverName.slice(colon + 1))) return false;
    }
  }
  if (host.startsWith('[')) return host.endsWith(']') && isIPv6(host.slice(1, -1));
  return /^[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*$/.test(host);
}

/** Synapse: RoomID.is_valid — `!local:server` (empty localpart allowed) or a v12 `!` + 43 URL-safe chars. */
export function isValidRoomId(roomId: string): boolean {
  if (!roomId.startsWith('!')) return false;
  const colon = roomId.indexOf(':');
  if (colon < 0) return /^![A-Za-z0-9_-]{43}$/.test(roomId);
  return isValidServerName(roomId.slice(colon + 1));
}

/** Synapse: RoomAlias.is_valid — `#local:server`. */
export function isValidRoomAlias(alias: string): boolean {
  const colon = alias.indexOf(':');
  return alias.startsWith('#') && colon > 0 && isValidServerName(alias.slice(colon + 1));
}

/** Synapse: UserID.from_string — `@` then a `:` somewhere after it; nothing else is checked. */
export function assertUserIdShape(userId: string): void {
  if (!userId.startsWith('@')) throw new MatrixError(400, 'M_INVALID_PARAM', "Expected UserID string to start with '@'");
  if (!userId.includes(':')) throw new MatrixError(400, 'M_INVALID_PARAM', "Expected UserID of the form '@localname:domain'");
}

/** Synapse: is_mine_id — the text after the first `:` is our server name. */
export function isMineId(userId: string): boolean {
  const colon = userId.indexOf(':');
  return colon >= 0 && userId.slice(colon + 1) === SERVER_NAME;
}

/** Synapse: random_string(16) for delete IDs (ASCII letters). */
export function randomDeleteId(prng: Prng): string {
  return prng.chars(16, ASCII_LETTERS);
}

/** A new v11 room ID like Synapse creates: `!` + 18 letters + `:server`. */
export function randomRoomId(prng: Prng): string {
  return `!${prng.chars(18, ASCII_LETTERS)}:${SERVER_NAME}`;
}
