// Which cached reads each mutation makes stale (patterns over upstream paths: `*` one segment, `/**` below).

const ADMIN = '/_synapse/admin';

/** The rooms list, every page and filter of it. */
const roomsList = `${ADMIN}/v1/rooms`;

/** Block/unblock: that room's block status and the lists. */
export const afterBlock = (encodedRoomId: string) => [`${ADMIN}/v1/rooms/${encodedRoomId}/block`, roomsList];

/** Delete (v1 or v2): everything about that room (details, members, state, block, delete status) and the lists. */
export const afterDelete = (encodedRoomId: string) => [
  `${ADMIN}/v1/rooms/${encodedRoomId}/**`,
  `${ADMIN}/v2/rooms/${encodedRoomId}/**`,
  `${ADMIN}/v2/rooms/delete_status/*`,
  roomsList,
];

/**
 * make_room_admin / forward extremities: that room's state and extremities. Called with an alias the
 * room ID is Synapse's to resolve, so every room's state and extremities are dropped.
 */
export const afterRoomStateChange = (roomIdentifier: string, encodedIdentifier: string) => {
  const room = roomIdentifier.startsWith('!') ? encodedIdentifier : '*';
  return [`${ADMIN}/v1/rooms/${room}/state`, `${ADMIN}/v1/rooms/${room}/forward_extremities`, `${ADMIN}/v1/rooms/${room}`];
};

/** reset_connection: that destination and the destination list. */
export const afterReset = (encodedDestination: string) => [
  `${ADMIN}/v1/federation/destinations/${encodedDestination}`,
  `${ADMIN}/v1/federation/destinations`,
];
