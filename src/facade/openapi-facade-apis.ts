// The /_facade/v1 operations of the OpenAPI document, from their declarations (src/facade/v1/).
import type { z } from 'zod';
import type { FacadeApi, FacadeApiErrorStatus } from './v1/declare.ts';
import { jsonSchemaOf, MATRIX_ERROR_REF, requireLocalNewRoomUser, type JsonSchema, type OperationObject, type ParameterObject, type ResponseObject } from './openapi-schema.ts';

/** What each error status means on a facade API. */
const ERROR_DESCRIPTIONS: Readonly<Record<FacadeApiErrorStatus, string>> = {
  400: 'A path, query or body value fails its schema (M_INVALID_PARAM, M_MISSING_PARAM, M_BAD_JSON, M_NOT_JSON); nothing is done.',
  401: 'No access token, or one Synapse does not know (M_MISSING_TOKEN, M_UNKNOWN_TOKEN).',
  403: "The token's user is not a server admin (M_FORBIDDEN).",
  404: 'Nothing with that ID (M_NOT_FOUND).',
  409: 'The request conflicts with the current state, e.g. a confirm token for another room list (M_UNKNOWN); nothing is done.',
  413: 'The request body is larger than MAX_BODY_BYTES (M_TOO_LARGE).',
  431: 'The request line and headers are too large for the facade’s HTTP server (M_TOO_LARGE); nothing is done.',
  502: 'Synapse could not be asked whether the token is an admin’s (M_UNKNOWN).',
  503: 'The facade store is unavailable (M_UNKNOWN); nothing is done.',
  504: 'Synapse did not answer in time while the token was verified (M_UNKNOWN).',
};

/** Statuses every facade API may answer: the HTTP layer (a request line too long), the admin check and the store. */
const ALWAYS: readonly FacadeApiErrorStatus[] = [401, 403, 431, 502, 503, 504];

/** One parameter per property of an object schema (path or query). */
function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): ParameterObject[] {
  if (!schema) return [];
  const object = jsonSchemaOf(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description = '', ...rest } = property as JsonSchema & { description?: string };
    return { name, in: where, required: where === 'path' || required.has(name), description: String(description), schema: rest };
  });
}

/** The operation of one declared facade API. */
export function facadeApiOperation(api: FacadeApi, { serverName }: { serverName?: string } = {}): OperationObject {
  const body = api.body ? jsonSchemaOf(api.body, 'input') : undefined;
  // A delete job refuses every non-local new_room_user_id up front (src/jobs/plan.ts), as Synapse's v2 delete does.
  if (body && serverName !== undefined) requireLocalNewRoomUser(body, serverName);
  const errors = [...new Set([...api.errors, ...ALWAYS])].sort();
  const success: ResponseObject = {
    description: [
      api.ndjson || api.csv ? 'JSON' : 'Success',
      ...(api.ndjson ? [`with ${api.ndjson.when}, newline-delimited JSON (one object per line)`] : []),
      ...(api.csv ? [`with ${api.csv.when}, CSV`] : []),
    ].join('; '),
    content: {
      'application/json': { schema: jsonSchemaOf(api.response, 'output') },
      ...(api.ndjson ? { 'application/x-ndjson': { schema: jsonSchemaOf(api.ndjson.line, 'output') } } : {}),
      ...(api.csv ? { 'text/csv': { schema: { type: 'string', description: api.csv.description } } } : {}),
    } as ResponseObject['content'],
  };
  return {
    operationId: `${api.method}${api.path.replace(/[{}]/g, '').replace(/\//g, '_')}`,
    summary: api.summary,
    description: api.description,
    tags: [api.tag],
    parameters: [...parametersOf(api.params, 'path'), ...parametersOf(api.query, 'query')],
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    responses: {
      [String(api.status ?? 200)]: success,
      ...(api.alsoStatus ? { [String(api.alsoStatus)]: success } : {}),
      ...Object.fromEntries(
        errors.map((status): [string, ResponseObject] => [
          String(status),
          { description: ERROR_DESCRIPTIONS[status], content: { 'application/json': { schema: { ...MATRIX_ERROR_REF } } } },
        ]),
      ),
    },
    security: [{ accessToken: [] }],
  };
}
