// The OpenAPI 3.1 document of the owned routes, derived from the route list and the Zod schemas that validate them.
import { z } from 'zod';
import packageJson from '../../package.json' with { type: 'json' };
import { matrixError } from '../../schemas/common.ts';
import { queryParamDocs } from '../../schemas/query-params.ts';
import type { OwnedRoute } from '../pipeline/owned-route.ts';

/** Where Synapse's admin API lives; route names are the path after it. */
export const ADMIN_PREFIX = '/_synapse/admin';

/** A JSON Schema 2020-12 object (OpenAPI 3.1's schema dialect). */
export type JsonSchema = Record<string, unknown>;

/** The parts of OpenAPI 3.1 this document uses, so the docs page can read it without casts. */
export interface ParameterObject {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description: string;
  schema: JsonSchema;
}
interface MediaContent {
  'application/json': { schema: JsonSchema };
}
export interface OperationObject {
  operationId: string;
  summary: string;
  tags: string[];
  parameters: ParameterObject[];
  requestBody?: { required: boolean; content: MediaContent };
  responses: Record<string, { description: string; content: MediaContent }>;
  security: Array<Record<string, string[]>>;
}
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

/** Every status the facade or Synapse may answer with a Matrix error, and when. */
export const ERROR_RESPONSES: Readonly<Record<string, string>> = {
  400: 'A parameter or body field fails Synapse\'s checks (made by the facade, in Synapse\'s order, before forwarding).',
  401: 'No access token, or one Synapse does not know (M_MISSING_TOKEN, M_UNKNOWN_TOKEN).',
  403: 'The token\'s user is not a server admin (M_FORBIDDEN).',
  404: 'The room, event, destination or deletion task does not exist (M_NOT_FOUND).',
  413: 'The request body is larger than the facade accepts (M_TOO_LARGE).',
  502: 'Synapse is unreachable or sent an answer the facade could not read.',
  504: 'Synapse did not answer in time.',
};

const MATRIX_ERROR_REF = { $ref: '#/components/schemas/MatrixError' };

/** A Zod schema as JSON Schema 2020-12, the dialect of OpenAPI 3.1, without its `$schema` line. */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const converted: JsonSchema = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  delete converted.$schema;
  // `#/$defs/…` would resolve against the OpenAPI document's root, not this schema: refuse rather than mislead.
  if ('$defs' in converted) throw new Error('OpenAPI: a schema with shared definitions cannot be embedded inline');
  return converted;
}

/** `GET /v1/rooms/{room_id}` → `/v1/rooms/{room_id}`, checked against the route's method. */
function pathOf(route: OwnedRoute): string {
  const prefix = `${route.method} `;
  if (!route.name.startsWith(prefix)) throw new Error(`OpenAPI: route name ${route.name} does not start with ${prefix}`);
  return route.name.slice(prefix.length);
}

/** Path parameters, from the `{param}` placeholders of the route name. */
function pathParameters(path: string): ParameterObject[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name = '']) => ({
    name,
    in: 'path' as const,
    required: true,
    description: name === 'room_identifier' ? 'A room ID or a room alias, percent-encoded.' : 'Percent-encoded.',
    schema: { type: 'string' },
  }));
}

/** Query parameters, in the order Synapse checks them, from the metadata each query helper registered. */
function queryParameters(route: OwnedRoute): ParameterObject[] {
  return Object.entries(route.query ?? {}).map(([name, schema]) => {
    const doc = queryParamDocs.get(schema as z.ZodType);
    if (!doc) throw new Error(`OpenAPI: query parameter ${name} of ${route.name} was not built with a schemas/query-params.ts helper`);
    return { name, in: 'query' as const, required: doc.required, description: doc.description, schema: doc.schema };
  });
}

/** The request body: the schema `validate` checks it with, or any JSON object when Synapse reads it unchecked. */
function requestBody(route: OwnedRoute): OperationObject['requestBody'] {
  if (route.body === undefined || route.body === 'ignored') return undefined;
  const schema = route.bodySchema ? jsonSchemaOf(route.bodySchema, 'input') : { type: 'object' };
  return { required: route.body === 'object', content: { 'application/json': { schema } } };
}

function responses(route: OwnedRoute): OperationObject['responses'] {
  // The output schema, not the upstream one: the document describes what clients receive.
  const ok = {
    description: "Synapse's answer, normalised to this schema (unknown fields are kept).",
    content: { 'application/json': { schema: route.response ? jsonSchemaOf(route.response.out, 'output') : {} } },
  };
  const errors = Object.entries(ERROR_RESPONSES).map(([status, description]) => [
    status,
    { description, content: { 'application/json': { schema: { ...MATRIX_ERROR_REF } } } },
  ]);
  return { 200: ok, ...Object.fromEntries(errors) };
}

function operationOf(route: OwnedRoute, path: string): OperationObject {
  const body = requestBody(route);
  return {
    operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/\//g, '_')}`,
    summary: route.summary ?? route.name,
    tags: [path.startsWith('/v1/federation/') ? 'Federation' : 'Rooms'],
    parameters: [...pathParameters(path), ...queryParameters(route)],
    ...(body ? { requestBody: body } : {}),
    responses: responses(route),
    security: [{ accessToken: [] }],
  };
}

/** Builds the OpenAPI 3.1 document of `routes`; throws when a route cannot be described faithfully. */
export function buildOpenApiDocument(routes: readonly OwnedRoute[]): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = pathOf(route);
    const item = (paths[`${ADMIN_PREFIX}${path}`] ??= {});
    item[route.method.toLowerCase()] = operationOf(route, path);
  }
  return {
    openapi: '3.1.1',
    info: {
      title: 'Synapse admin facade: Rooms and Federation admin API',
      version: packageJson.version,
      description:
        'The routes the facade validates, forwards and normalises. Every other path is passed through to Synapse unchanged.',
    },
    tags: [{ name: 'Rooms' }, { name: 'Federation' }],
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
