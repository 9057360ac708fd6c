// Request body parsing as Synapse's parse_json_object_from_request (synapse/http/servlet.py).
import { MatrixError } from './respond.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads the body as a JSON object; Content-Type is ignored like Synapse does. */
export async function readJsonObject(request: Request, allowEmptyBody = false): Promise<Record<string, unknown>> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.length === 0 && allowEmptyBody) return {};
  let value: unknown;
  try {
    value = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    throw new MatrixError(400, 'M_NOT_JSON', 'Content not JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MatrixError(400, 'M_BAD_JSON', 'Content must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** Synapse: assert_params_in_dict. */
export function assertParams(body: Record<string, unknown>, names: string[]): void {
  const missing = names.filter((name) => !(name in body));
  if (missing.length > 0) {
    throw new MatrixError(400, 'M_MISSING_PARAM', `Missing params: [${missing.map((name) => `'${name}'`).join(', ')}]`);
  }
}

/** An optional boolean body field (`Param '<name>' must be a boolean, if given`). */
export function optionalBooleanParam(body: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = name in body ? body[name] : fallback;
  if (typeof value !== 'boolean') throw new MatrixError(400, 'M_BAD_JSON', `Param '${name}' must be a boolean, if given`);
  return value;
}
