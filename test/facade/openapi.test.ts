// The OpenAPI document and docs page: every owned route described, valid OpenAPI 3.1, parameters as Synapse reads them.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facadeEndpoints } from '../../src/facade/endpoints.ts';
import { ADMIN_PREFIX, buildOpenApiDocument, type OpenApiDocument } from '../../src/facade/openapi.ts';
import { ownedRoutes } from '../../src/routes/owned-routes.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';

let facade: TestFacade;
let endpoints: ReturnType<typeof facadeEndpoints>;
let document: OpenApiDocument;
let documentText: string;

beforeAll(async () => {
  // Neither endpoint talks to Synapse; the facade only supplies a real context.
  facade = await startTestFacade('http://127.0.0.1:9');
  endpoints = facadeEndpoints(facade.context);
  const response = await endpoints.request('/openapi.json');
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  documentText = await response.text();
  document = JSON.parse(documentText) as OpenApiDocument;
});

afterAll(() => facade.close());

/** Owned routes as [method, OpenAPI path] pairs, from their names. */
const ownedOperations = ownedRoutes.map((route) => {
  const [method = '', path = ''] = route.name.split(' ');
  return [method.toLowerCase(), `${ADMIN_PREFIX}${path}`] as const;
});

const operation = (method: string, path: string) => document.paths[path]?.[method];

describe('/_facade/openapi.json', () => {
  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    // Parsed afresh from the text as served, so the check covers the JSON a client receives.
    const result = await validator.validate(JSON.parse(documentText));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has every owned route, and nothing else', () => {
    for (const [method, path] of ownedOperations) expect(operation(method, path), `${method} ${path}`).toBeDefined();
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual(ownedOperations.map(([method, path]) => `${method} ${path}`).sort());
  });

  it('gives every operation the bearer scheme, a 200 schema and the Matrix error for each error status', () => {
    expect(document.components.securitySchemes.accessToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.schemas.MatrixError).toMatchObject({ required: ['errcode', 'error'] });
    for (const [method, path] of ownedOperations) {
      const { security, responses } = operation(method, path)!;
      expect(security).toEqual([{ accessToken: [] }]);
      expect(responses['200']?.content['application/json'].schema).toHaveProperty('type', 'object');
      for (const status of ['400', '401', '403', '404', '413', '502', '504']) {
        expect(responses[status]?.content['application/json'].schema, `${method} ${path} ${status}`).toEqual({
          $ref: '#/components/schemas/MatrixError',
        });
      }
    }
  });

  it('documents the 200 answer as normalised, not as Synapse sends it', () => {
    const okSchema = (method: string, path: string) => operation(method, `${ADMIN_PREFIX}${path}`)!.responses['200']!.content['application/json'].schema;
    const roomsList = okSchema('get', '/v1/rooms');
    expect(roomsList).toMatchObject({ properties: { next_token: { type: 'string' }, next_batch: { type: 'integer' } } });
    // Synapse's SQLite 0/1 is not in the contract: clients always get a boolean.
    expect(roomsList).toMatchObject({ properties: { rooms: { items: { properties: { federatable: { type: 'boolean' } } } } } });
    expect(roomsList).toHaveProperty('properties.rooms.items.required', expect.arrayContaining(['federatable', 'creator', 'room_type']));
    const blockStatus = okSchema('get', '/v1/rooms/{room_id}/block');
    expect(blockStatus).toMatchObject({ properties: { user_id: { type: ['string', 'null'] } }, required: ['block', 'user_id'] });
    expect(okSchema('get', '/v2/rooms/delete_status/{delete_id}')).toHaveProperty('required', ['delete_id', 'room_id', 'status', 'shutdown_room']);
  });

  it('declares each {placeholder} of a path as a required path parameter', () => {
    const context = operation('get', `${ADMIN_PREFIX}/v1/rooms/{room_id}/context/{event_id}`)!;
    const pathParams = context.parameters.filter((parameter) => parameter.in === 'path');
    expect(pathParams.map(({ name, required }) => [name, required])).toEqual([
      ['room_id', true],
      ['event_id', true],
    ]);
  });

  it('reads the rooms list parameters from the query helpers, in Synapse order', () => {
    const { parameters } = operation('get', `${ADMIN_PREFIX}/v1/rooms`)!;
    const byName = Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter]));
    expect(parameters.map(({ name }) => name)).toEqual(['from', 'limit', 'order_by', 'search_term', 'public_rooms', 'empty_rooms', 'dir']);
    expect(byName.limit).toMatchObject({ in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 100 } });
    expect(byName.dir?.schema).toEqual({ type: 'string', enum: ['b', 'f'], default: 'f' });
    // Synapse's parse_boolean takes exactly these spellings (no coercion: "false" must stay false).
    expect(byName.public_rooms?.schema).toEqual({ type: 'string', enum: ['true', 'false'] });
    expect((byName.order_by?.schema.enum as string[]).slice(0, 3)).toEqual(['alphabetical', 'size', 'name']);
  });

  it('marks a required integer (timestamp_to_event ts) required', () => {
    const { parameters } = operation('get', `${ADMIN_PREFIX}/v1/rooms/{room_id}/timestamp_to_event`)!;
    expect(parameters.find(({ name }) => name === 'ts')).toMatchObject({ required: true, schema: { type: 'integer', minimum: 0 } });
  });

  it('describes request bodies from the schemas that check them', () => {
    const block = operation('put', `${ADMIN_PREFIX}/v1/rooms/{room_id}/block`)!.requestBody;
    expect(block).toMatchObject({ required: true });
    expect(block?.content['application/json'].schema).toMatchObject({ properties: { block: { type: 'boolean' } }, required: ['block'] });
    const deletion = operation('delete', `${ADMIN_PREFIX}/v2/rooms/{room_id}`)!.requestBody;
    expect(deletion?.content['application/json'].schema).toMatchObject({
      properties: { block: { type: 'boolean' }, purge: { type: 'boolean' }, force_purge: { type: 'boolean' } },
    });
    // Synapse never reads this body, so none is documented.
    expect(operation('post', `${ADMIN_PREFIX}/v1/federation/destinations/{destination}/reset_connection`)!.requestBody).toBeUndefined();
  });

  it('is built from the route list: a query schema without documentation is refused at start-up', async () => {
    const { z } = await import('zod');
    const [route] = ownedRoutes;
    expect(() => buildOpenApiDocument([{ ...route!, query: { extra: z.string() } }])).toThrow(/extra/);
  });
});

describe('/_facade/docs', () => {
  it('answers one self-contained HTML page listing every owned route', async () => {
    const response = await endpoints.request('/docs');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    for (const [method, path] of ownedOperations) expect(page).toContain(`${method.toUpperCase()} ${path}`);
    expect(page).toContain('href="openapi.json"');
    // Nothing fetched from elsewhere: no scripts, no external stylesheets or images.
    expect(page).not.toMatch(/<script|<link|src=|https?:\/\//i);
  });
});
