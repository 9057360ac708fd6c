// The OpenAPI 3.1 document of the owned routes, derived from the route list and the Zod schemas that validate them.
import { z } from 'zod';
import packageJson from '../../package.json' with { type: 'json' };
import { matrixError } from '../../schemas/common.ts';
import { PATH_PATTERNS } from '../../schemas/identifiers.ts';
import { queryParamDocs } from '../../schemas/query-params.ts';
import { rawInteger } from '../internal/exact-json.ts';
import type { OwnedRoute } from '../pipeline/owned-route.ts';
import { integerMaxima } from '../pipeline/synapse-crashes.ts';
import { facadeApiOperation } from './openapi-facade-apis.ts';
import { jsonSchemaOf, localUserPattern, MATRIX_ERROR_REF, type JsonSchema, type OpenApiDocument, type OperationObject, type ParameterObject, type ResponseObject } from './openapi-schema.ts';
import type { FacadeApi } from './v1/declare.ts';

/** Where Synapse's admin API lives; route names are the path after it. */
export const ADMIN_PREFIX = '/_synapse/admin';

/** A status other than 200 a client can receive, on which operations, and whether it has a Matrix error body. */
interface ErrorStatus {
  description: string;
  /** The operations it can happen on; every one when absent. */
  when?: (route: OwnedRoute) => boolean;
  /** False for an answer without a body. Default true: a Matrix error. */
  matrixBody?: boolean;
}

const hasPathParameter = (route: OwnedRoute) => route.name.includes('{');

/** Every status but 200 that reaches clients of the owned routes (from the facade, its HTTP layer, or Synapse). */
export const ERROR_STATUSES: Readonly<Record<string, ErrorStatus>> = {
  400: {
    description:
      "A path parameter, query parameter or body field fails Synapse's checks (the facade answers in Synapse's order and sends " +
      "nothing), Synapse's own 400 (passed through), or an HTTP request the facade cannot read (e.g. a bad Host header).",
  },
  401: { description: 'No access token, or one Synapse does not know (M_MISSING_TOKEN, M_UNKNOWN_TOKEN).' },
  403: { description: "The token's user is not a server admin (M_FORBIDDEN)." },
  404: { description: 'The room, event, destination or deletion task does not exist (M_NOT_FOUND).', when: hasPathParameter },
  408: { description: 'The client did not send the whole request in time (the facade closes the connection).' },
  413: { description: 'The request body is larger than MAX_BODY_BYTES (M_TOO_LARGE); nothing is sent.', when: (route) => route.body !== undefined },
  414: { description: "The request Synapse would receive is longer than Twisted's request line allows, even written as short as Synapse reads it (M_TOO_LARGE); nothing is sent." },
  // Synapse: synapse/http/site.py SynapseRequest.requestReceived answers any POST whose Content-Type is
  // multipart/form-data with an empty 415, before routing or auth; the facade passes it through.
  415: {
    description: "Synapse's own answer to a POST whose Content-Type is multipart/form-data (no body), passed through.",
    when: (route) => route.method === 'POST',
    matrixBody: false,
  },
  431: { description: 'The request line and headers are too large, or the headers the facade would forward exceed 8 KiB (M_TOO_LARGE); nothing is sent.' },
  500: { description: "Synapse's own internal error, passed through unchanged." },
  502: { description: 'Synapse is unreachable, closed the connection without an answer, or sent one the facade could not read (M_UNKNOWN).' },
  503: { description: 'No connection to Synapse became free within UPSTREAM_QUEUE_TIMEOUT_MS (M_UNKNOWN); nothing is sent.' },
  504: { description: 'Synapse did not answer in time (M_UNKNOWN).' },
};

/** `GET /v1/rooms/{room_id}` → `/v1/rooms/{room_id}`, checked against the route's method. */
function pathOf(route: OwnedRoute): string {
  const prefix = `${route.method} `;
  if (!route.name.startsWith(prefix)) throw new Error(`OpenAPI: route name ${route.name} does not start with ${prefix}`);
  return route.name.slice(prefix.length);
}

/**
 * Routes whose `validate` checks `room_id` with RoomID.is_valid (pipeline/path-checks.ts requireRoomId), as
 * Synapse's servlet does; on the others Synapse looks any room ID up as given. Every `room_identifier` is
 * checked as a room ID or alias. test/facade/openapi.test.ts holds this list to what each route does.
 */
const ROOM_ID_CHECKED: ReadonlySet<string> = new Set([
  'GET /v1/rooms/{room_id}/block',
  'PUT /v1/rooms/{room_id}/block',
  'DELETE /v1/rooms/{room_id}',
  'DELETE /v2/rooms/{room_id}',
  'GET /v2/rooms/{room_id}/delete_status',
]);

const DECODED = 'Percent-encoded in the path; the pattern applies to the decoded value.';
const UNICODE_PORT =
  "It leaves out one form Synapse and the facade accept: a server name's port in non-ASCII digits (Python's int() reads them).";

/** The schema and description of one path parameter: the pattern the facade checks it with, or none. */
function pathParameter(route: OwnedRoute, name: string): Pick<ParameterObject, 'description' | 'schema'> {
  if (name === 'room_identifier') {
    return { description: `A room ID or a room alias. ${DECODED} ${UNICODE_PORT}`, schema: { type: 'string', pattern: PATH_PATTERNS.roomIdOrAlias } };
  }
  if (name === 'room_id' && ROOM_ID_CHECKED.has(route.name)) {
    return { description: `A room ID, checked as Synapse's RoomID.is_valid does. ${DECODED} ${UNICODE_PORT}`, schema: { type: 'string', pattern: PATH_PATTERNS.roomId } };
  }
  // Any text: Synapse looks it up as given, and a dot segment (`.`, `..`), which the facade never sends as
  // such, gets the answer of any unknown ID. Synapse's `[^/]+` (not `*`) makes an empty segment no route at all.
  const nonEmpty = route.pattern.source.includes(`(?<${name}>[^/]+)`);
  return {
    description: 'Any text, percent-encoded in the path: Synapse does not check its format, it looks the value up as given.',
    schema: { type: 'string', ...(nonEmpty ? { minLength: 1 } : {}) },
  };
}

/** Path parameters, from the `{param}` placeholders of the route name. */
function pathParameters(route: OwnedRoute, path: string): ParameterObject[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name = '']) => ({ name, in: 'path' as const, required: true, ...pathParameter(route, name) }));
}

/** Query parameters, in the order Synapse checks them, from the metadata each query helper registered. */
function queryParameters(route: OwnedRoute): ParameterObject[] {
  const maxima = integerMaxima(route);
  return Object.entries(route.query ?? {}).map(([name, schema]) => {
    const doc = queryParamDocs.get(schema as z.ZodType);
    if (!doc) throw new Error(`OpenAPI: query parameter ${name} of ${route.name} was not built with a schemas/query-params.ts helper`);
    // Above it Synapse fails (a 500), so the facade refuses; raw JSON keeps 2^63 − 1 exact in the document.
    const max = maxima.get(name);
    const { required, description } = doc;
    if (doc.content) return { name, in: 'query' as const, required, description, content: doc.content };
    return { name, in: 'query' as const, required, description, schema: max === undefined ? doc.schema : { ...doc.schema, maximum: rawInteger(max) } };
  });
}

/**
 * Routes on which Synapse refuses every non-local `new_room_user_id` (v2: handlers/pagination.py, before
 * scheduling). v1 refuses it only for a room that exists (handlers/room.py, after blocking; the facade refuses
 * it first), which depends on state a document cannot express: its description says "local".
 */
const LOCAL_USER_ALWAYS_CHECKED: ReadonlySet<string> = new Set(['DELETE /v2/rooms/{room_id}']);

/** The request body: the schema `validate` checks it with, or any JSON object when Synapse reads it unchecked. */
function requestBody(route: OwnedRoute, { serverName }: DocumentOptions): OperationObject['requestBody'] {
  if (route.body === undefined || route.body === 'ignored') return undefined;
  const schema = route.bodySchema ? jsonSchemaOf(route.bodySchema, 'input') : { type: 'object' };
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  // Synapse's is_mine_id (the text after the first `:` is this server's name) and UserID.from_string's `@`.
  // Only a deployment that knows its server name can say so; without it the description does.
  if (serverName !== undefined && properties?.new_room_user_id && LOCAL_USER_ALWAYS_CHECKED.has(route.name)) {
    properties.new_room_user_id = { ...properties.new_room_user_id, pattern: localUserPattern(serverName) };
  }
  return { required: route.body === 'object', content: { 'application/json': { schema } } };
}

function responses(route: OwnedRoute): OperationObject['responses'] {
  // The output schema, not the upstream one: the document describes what clients receive.
  const ok = {
    description:
      "Synapse's answer, normalised to this schema (unknown fields are kept, numbers written as Synapse wrote them). " +
      'An answer that does not fit is passed on unchanged, logged and counted.',
    content: { 'application/json': { schema: route.response ? jsonSchemaOf(route.response.out, 'output') : {} } },
  };
  const errors = Object.entries(ERROR_STATUSES)
    .filter(([, { when }]) => when === undefined || when(route))
    .map(([status, { description, matrixBody = true }]): [string, ResponseObject] => [
      status,
      matrixBody ? { description, content: { 'application/json': { schema: { ...MATRIX_ERROR_REF } } } } : { description },
    ]);
  return { 200: ok, ...Object.fromEntries(errors) };
}

function operationOf(route: OwnedRoute, path: string, options: DocumentOptions): OperationObject {
  const body = requestBody(route, options);
  return {
    operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/\//g, '_')}`,
    summary: route.summary ?? route.name,
    tags: [path.startsWith('/v1/federation/') ? 'Federation' : 'Rooms'],
    parameters: [...pathParameters(route, path), ...queryParameters(route)],
    ...(body ? { requestBody: body } : {}),
    responses: responses(route),
    security: [{ accessToken: [] }],
  };
}

/** What the document may say about one deployment. */
export interface DocumentOptions {
  /** Synapse's server name, when configured (SYNAPSE_SERVER_NAME): local user IDs get their exact pattern. */
  serverName?: string;
  /** The facade's own API (/_facade/v1), described after the Synapse routes. */
  facadeApis?: readonly FacadeApi[];
}


/** Builds the OpenAPI 3.1 document of `routes`; throws when a route cannot be described faithfully. */
export function buildOpenApiDocument(routes: readonly OwnedRoute[], options: DocumentOptions = {}): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = pathOf(route);
    const item = (paths[`${ADMIN_PREFIX}${path}`] ??= {});
    item[route.method.toLowerCase()] = operationOf(route, path, options);
  }
  const facadeTags = new Set<string>();
  for (const api of options.facadeApis ?? []) {
    (paths[api.path] ??= {})[api.method] = facadeApiOperation(api, options);
    facadeTags.add(api.tag);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Synapse admin facade: Rooms and Federation admin API',
      version: packageJson.version,
      description:
        'The routes the facade validates, forwards and normalises (every other Synapse path is passed through unchanged), ' +
        "and the facade's own admin-only API under /_facade/v1: audit trail, room deletes it tracked, bulk jobs.",
    },
    tags: [{ name: 'Rooms' }, { name: 'Federation' }, ...[...facadeTags].map((name) => ({ name }))],
    paths,
    components: {
      schemas: { MatrixError: jsonSchemaOf(matrixError, 'output') },
      securitySchemes: {
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          description: "A Synapse server admin's access token, forwarded unchanged to Synapse.",
        },
      },
    },
  };
}
