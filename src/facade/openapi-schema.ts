// The OpenAPI 3.1 shapes the facade's document uses, and Zod schemas turned into its JSON Schema dialect.
import { z } from 'zod';

/** A JSON Schema 2020-12 object (OpenAPI 3.1's schema dialect). */
export type JsonSchema = Record<string, unknown>;

/** The parts of OpenAPI 3.1 this document uses, so the docs page can read it without casts. */
export interface ParameterObject {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  description: string;
  /** The value's schema; absent when `content` gives it instead (a JSON-encoded parameter, serialised as JSON text). */
  schema?: JsonSchema;
  content?: MediaContent;
}
export interface MediaContent {
  'application/json': { schema: JsonSchema };
  'application/x-ndjson'?: { schema: JsonSchema };
  'text/csv'?: { schema: JsonSchema };
}
/** A response; without `content` it has no body. */
export interface ResponseObject {
  description: string;
  content?: MediaContent;
}
export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: ParameterObject[];
  requestBody?: { required: boolean; content: MediaContent };
  responses: Record<string, ResponseObject>;
  security: Array<Record<string, string[]>>;
}
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
}

/** Where an error answer's body schema lives in the document. */
export const MATRIX_ERROR_REF = { $ref: '#/components/schemas/MatrixError' };

/** A Zod schema as JSON Schema 2020-12, the dialect of OpenAPI 3.1, without its `$schema` line. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const converted: JsonSchema = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  delete converted.$schema;
  // `#/$defs/…` would resolve against the OpenAPI document's root, not this schema: refuse rather than mislead.
  if ('$defs' in converted) throw new Error('OpenAPI: a schema with shared definitions cannot be embedded inline');
  return converted;
}


/** A text matched literally in a pattern shared by ECMA-262 and Python's `re`. */
const escapeRegExp = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** A local user ID of `serverName`: Synapse's is_mine_id (the text after the first `:`) and UserID.from_string's `@`. */
export const localUserPattern = (serverName: string) => `^@[^:]*:${escapeRegExp(serverName)}(?![\\s\\S])`;

/** Gives every `new_room_user_id` property in `schema` (however deeply nested) the local-user pattern; edits in place. */
export function requireLocalNewRoomUser(schema: unknown, serverName: string): void {
  if (Array.isArray(schema)) return schema.forEach((item) => requireLocalNewRoomUser(item, serverName));
  if (!schema || typeof schema !== 'object') return;
  const properties = (schema as { properties?: Record<string, JsonSchema> }).properties;
  if (properties?.new_room_user_id) properties.new_room_user_id = { ...properties.new_room_user_id, pattern: localUserPattern(serverName) };
  for (const value of Object.values(schema)) requireLocalNewRoomUser(value, serverName);
}
