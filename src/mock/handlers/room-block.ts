// GET/PUT /_synapse/admin/v1/rooms/<room_id>/block (Synapse: rest/admin/rooms.py BlockRoomRestServlet).
import type { Route } from '../internal/route.ts';
import { MatrixError } from '../internal/respond.ts';
import { assertParams, readJsonObject } from '../internal/body.ts';
import { assertLegalRoomId } from '../internal/resolve-room.ts';

const BLOCK = /^\/_synapse\/admin\/v1\/rooms\/([^/]*)\/block$/;

export const getBlockRoute: Route = {
  methods: ['GET'],
  pattern: BLOCK,
  auth: 'admin',
  handle({ params, state }) {
    const roomId = params[0] ?? '';
    assertLegalRoomId(roomId);
    const blocker = state.blockedRooms.get(roomId);
    return blocker === undefined ? { block: false } : { block: true, user_id: blocker };
  },
};

export const putBlockRoute: Route = {
  methods: ['PUT'],
  pattern: BLOCK,
  auth: 'admin',
  async handle({ params, state, request, requester }) {
    const body = await readJsonObject(request);
    const roomId = params[0] ?? '';
    assertLegalRoomId(roomId);
    assertParams(body, ['block']);
    const block = body.block;
    if (typeof block !== 'boolean') throw new MatrixError(400, 'M_BAD_JSON', "Param 'block' must be a boolean.");
    // Synapse upserts with insertion values only: the first blocker is kept.
    if (block && !state.blockedRooms.has(roomId)) state.blockedRooms.set(roomId, requester.userId);
    if (!block) state.blockedRooms.delete(roomId);
    return { block };
  },
};
