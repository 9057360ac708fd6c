// Matrix identifier checks as Synapse makes them on admin path parameters.
import { isIPv6 } from 'node:net';
import { parsePythonInt } from './query-params.ts';

// Synapse: synapse/util/stringutils.py VALID_HOST_REGEX ("\Z", so no trailing newline).
const VALID_HOST = /^[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*$/;
// Synapse: synapse/types/__init__.py ROOM_ID_PATTERN_DOMAINLESS; Python's `$` also matches before a final "\n".
const DOMAINLESS_ROOM_ID = /^[A-Za-z0-9\-_]{43}\n?$/;

/**
 * `parse_and_validate_server_name`: host or `[IPv6]`, optional `:port` where the port only has to be a
 * Python integer (no range check, so `-5` and `8_0` pass, as in Synapse).
 */
export function isValidServerName(serverName: string): boolean {
  let host = serverName;
  if (!serverName.endsWith(']')) {
    const colon = serverName.lastIndexOf(':');
    if (colon !== -1) {
      if (parsePythonInt(serverName.slice(colon + 1)) === undefined) return false;
      host = serverName.slice(0, colon);
    }
  }
  if (host.startsWith('[')) {
    if (!host.endsWith(']')) return false;
    const address = host.slice(1, -1);
    return address !== '' && isIPv6(address);
  }
  return VALID_HOST.test(host);
}

/**
 * `RoomID.is_valid`: `!localpart:server` (empty localpart allowed, server validated) or an MSC4291
 * domainless ID of 43 urlsafe base64 characters. Synapse: synapse/types/__init__.py RoomID.is_valid
 */
export function isValidRoomId(roomId: string): boolean {
  if (!roomId.startsWith('!')) return false;
  const colon = roomId.indexOf(':');
  if (colon === -1) return DOMAINLESS_ROOM_ID.test(roomId.slice(1));
  return isValidServerName(roomId.slice(colon + 1));
}

/** `RoomAlias.is_valid`: `#localpart:server` with a valid server name. */
export function isValidRoomAlias(alias: string): boolean {
  if (!alias.startsWith('#')) return false;
  const colon = alias.indexOf(':');
  return colon !== -1 && isValidServerName(alias.slice(colon + 1));
}
