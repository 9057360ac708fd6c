// POST /_synapse/admin/v1/rooms/{room_id_or_alias}/make_room_admin — give a user the highest local power.
import { z } from 'zod';
import { encodePathSegment } from '../../internal/path.ts';
import { auditBodyFields } from '../../pipeline/audit-fields.ts';
import { defineRoute, responseAsSent } from '../../pipeline/owned-route.ts';
import { requireRoomIdOrAlias } from '../../pipeline/path-checks.ts';

export const makeRoomAdminRoute = defineRoute({
  name: 'POST /v1/rooms/{room_identifier}/make_room_admin',
  summary: 'Give a user the highest local power level in a room',
  method: 'POST',
  pattern: /^\/_synapse\/admin\/v1\/rooms\/(?<room_identifier>[^/]*)\/make_room_admin$/,
  // Synapse: an empty body is `{}`; `user_id` defaults to the caller and is not validated.
  body: 'optional-object',
  mutation: { action: 'room.make_admin' },
  validate: ({ params, body }) => {
    const roomIdentifier = requireRoomIdOrAlias(params.room_identifier!);
    return {
      path: `/v1/rooms/${encodePathSegment(roomIdentifier)}/make_room_admin`,
      query: [],
      audit: { room_id: roomIdentifier, body: auditBodyFields(body) },
    };
  },
  response: responseAsSent(z.looseObject({})),
});
