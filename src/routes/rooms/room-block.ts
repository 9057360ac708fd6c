// PUT /_synapse/admin/v1/rooms/{room_id}/block — block or unblock a room (idempotent; first blocker kept).
import { z } from 'zod';
import { roomBlockBody } from '../../../schemas/json-body.ts';
import { encodePathSegment } from '../../internal/path.ts';
import { auditBodyFields } from '../../pipeline/audit-fields.ts';
import { defineRoute, responseAsSent } from '../../pipeline/owned-route.ts';
import { requireRoomId } from '../../pipeline/path-checks.ts';
import { parseOrThrow } from '../../pipeline/validate.ts';

export const roomBlockRoute = defineRoute({
  name: 'PUT /v1/rooms/{room_id}/block',
  summary: 'Block or unblock a room (idempotent; the first blocker is kept)',
  method: 'PUT',
  pattern: /^\/_synapse\/admin\/v1\/rooms\/(?<room_id>[^/]*)\/block$/,
  body: 'object',
  bodySchema: roomBlockBody,
  mutation: { action: (request) => (request.audit?.body as { block?: unknown } | undefined)?.block === true ? 'room.block' : 'room.unblock' },
  // Synapse's order: body is JSON object → room ID legal → `block` present → `block` boolean.
  validate: ({ params, body }) => {
    const roomId = requireRoomId(params.room_id!);
    parseOrThrow(roomBlockBody, body);
    return {
      path: `/v1/rooms/${encodePathSegment(roomId)}/block`,
      query: [],
      audit: { room_id: roomId, body: auditBodyFields(body) },
    };
  },
  response: responseAsSent(z.looseObject({ block: z.boolean() })),
});
