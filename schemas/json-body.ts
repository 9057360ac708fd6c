// Request bodies parsed as Synapse parses them, and the body checks of the mutating room endpoints.
// Synapse: synapse/http/servlet.py parse_json_object_from_request; synapse/rest/admin/rooms.py
import { z } from 'zod';
import { FacadeError } from '../src/errors.ts';
import { failWith as fail } from './matrix-issue.ts';

/** A JSON object body. */
export type JsonObject = Record<string, unknown>;

/** Where a body check failed: a Matrix error (status 400). */
export class BodyError extends Error {
  readonly errcode: string;
  constructor(errcode: string, message: string) {
    super(message);
    this.errcode = errcode;
  }
}

// Python's bytes.decode("utf-8") keeps a byte-order mark, which then fails JSON decoding.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `parse_json_object_from_request(request, allow_empty_body)`. */
export function parseJsonObjectBody(bytes: Buffer, { allowEmpty }: { allowEmpty: boolean }): JsonObject {
  if (bytes.length === 0 && allowEmpty) return {};
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw new BodyError('M_NOT_JSON', 'Content not JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BodyError('M_BAD_JSON', 'Content must be a JSON object.');
  }
  return value as JsonObject;
}

/** `content.get(name, default)` that must be a boolean "if given" (v1/v2 room DELETE). */
function optionalBooleanParam(name: string, defaultValue: boolean) {
  return z
    .unknown()
    .optional()
    .transform((value, ctx): boolean => {
      if (value === undefined) return defaultValue;
      if (typeof value !== 'boolean') return fail(ctx, 'M_BAD_JSON', `Param '${name}' must be a boolean, if given`);
      return value;
    })
    // The checks live in the transform, which JSON Schema cannot see: the OpenAPI document reads this instead.
    .meta({ type: 'boolean', description: `Default: ${defaultValue}.` });
}

/** Synapse's UserID.from_string on a user ID without its sigil (M_INVALID_PARAM). */
export const userIdStartError = () => new FacadeError(400, 'M_INVALID_PARAM', "Expected UserID string to start with '@'");

/** DELETE v1/v2 rooms body: block → purge → force_purge, in Synapse's order. */
export const roomDeleteBody = z.looseObject({
  block: optionalBooleanParam('block', false),
  purge: optionalBooleanParam('purge', true),
  force_purge: optionalBooleanParam('force_purge', false),
  // Synapse does not type-check this and fails with a 500 after blocking the room; the facade refuses it.
  new_room_user_id: z
    .unknown()
    .optional()
    .transform((value, ctx): string | undefined => {
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string') return fail(ctx, 'M_BAD_JSON', "Param 'new_room_user_id' must be a string, if given");
      return value;
    })
    .meta({ type: ['string', 'null'], description: 'A local user ID that creates the new room the users are moved to.' }),
});

/** PUT block body: `block` present (M_MISSING_PARAM), then a boolean (M_BAD_JSON). */
export const roomBlockBody = z
  .looseObject({
    block: z
      .unknown()
      .optional()
      .transform((value, ctx): boolean => {
        if (value === undefined) return fail(ctx, 'M_MISSING_PARAM', "Missing params: ['block']");
        if (typeof value !== 'boolean') return fail(ctx, 'M_BAD_JSON', "Param 'block' must be a boolean.");
        return value;
      })
      .meta({ type: 'boolean' }),
  })
  // `block` is optional to Zod only so that its absence gets Synapse's M_MISSING_PARAM.
  .meta({ required: ['block'] });
