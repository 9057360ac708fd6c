// Parsing a route's request body as its Synapse servlet would, with Synapse's 400s.
import { BodyError, parseJsonObjectBody, type JsonObject } from '../../schemas/json-body.ts';
import { FacadeError } from '../errors.ts';
import type { BodyPolicy } from './owned-route.ts';

/** The JSON object body (`{}` for routes that read none). */
export function parseBody(policy: BodyPolicy | undefined, bytes: Buffer): JsonObject {
  if (policy !== 'object' && policy !== 'optional-object') return {};
  try {
    return parseJsonObjectBody(bytes, { allowEmpty: policy === 'optional-object' });
  } catch (error) {
    if (error instanceof BodyError) throw new FacadeError(400, error.errcode, error.message);
    throw error;
  }
}
