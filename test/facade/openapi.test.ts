// The OpenAPI document and the plain docs page: every owned route described, valid OpenAPI 3.1, parameters as Synapse reads them.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facadeEndpoints } from '../../src/facade/endpoints.ts';
import { FacadeError } from '../../src/errors.ts';
import { ADMIN_PREFIX, buildOpenApiDocument } from '../../src/facade/openapi.ts';
import type { OpenApiDocument, OperationObject } from '../../src/facade/openapi-schema.ts';
import { ownedRoutes } from '../../src/routes/owned-routes.ts';
import { facadeApis } from '../../src/facade/v1/apis.ts';
import { startTestFacade, type TestFacade } from '../support/facade.ts';

let facade: TestFacade;
let endpoints: ReturnType<typeof facadeEndpoints>;
let document: OpenApiDocument;
let documentText: string;

beforeAll(async () => {
  // Neither endpoint talks to Synapse; the facade only supplies a real context.
  facade = await startTestFacade('http://127.0.0.1:9');
  endpoints = facadeEndpoints(facade.context, { jobs: facade.jobs, index: facade.index });
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

  it('has every owned route and every facade API, and nothing else', () => {
    for (const [method, path] of ownedOperations) expect(operation(method, path), `${method} ${path}`).toBeDefined();
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    const facadeOperations = facadeApis(facade.context, { jobs: facade.jobs, index: facade.index }).map((api) => `${api.method} ${api.path}`);
    expect(facadeOperations.length).toBeGreaterThan(0);
    expect(documented.sort()).toEqual([...ownedOperations.map(([method, path]) => `${method} ${path}`), ...facadeOperations].sort());
  });

  it('issue 11 fuzz finding: every facade API that validates a parameter or a body documents its 400', () => {
    const facadePaths = Object.entries(document.paths).filter(([path]) => path.startsWith('/_facade/v1/'));
    expect(facadePaths.length).toBeGreaterThan(0);
    for (const [path, item] of facadePaths) {
      for (const [method, op] of Object.entries(item)) {
        if (op.parameters.length === 0 && !op.requestBody) continue;
        expect(op.responses, `${method} ${path}`).toHaveProperty('400');
      }
    }
  });

  it('gives every operation the bearer scheme, a 200 schema and the Matrix error for each error status', () => {
    expect(document.components.securitySchemes.accessToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.schemas.MatrixError).toMatchObject({ required: ['errcode', 'error'] });
    for (const [method, path] of ownedOperations) {
      const { security, responses } = operation(method, path)!;
      expect(security).toEqual([{ accessToken: [] }]);
      expect(responses['200']?.content?.['application/json'].schema).toHaveProperty('type', 'object');
      for (const status of ['400', '401', '403', '414', '431', '500', '502', '503', '504']) {
        expect(responses[status]?.content?.['application/json'].schema, `${method} ${path} ${status}`).toEqual({
          $ref: '#/components/schemas/MatrixError',
        });
      }
    }
  });

  it('documents the 200 answer as normalised, not as Synapse sends it', () => {
    const okSchema = (method: string, path: string) => operation(method, `${ADMIN_PREFIX}${path}`)!.responses['200']!.content!['application/json'].schema;
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
    expect((byName.order_by?.schema?.enum as string[]).slice(0, 3)).toEqual(['alphabetical', 'size', 'name']);
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

describe('issue 10 #6: OpenAPI gaps', () => {
  const operations = () => ownedRoutes.map((route) => ({ route, operation: operation(...ownedOperations[ownedRoutes.indexOf(route)]!)! }));
  const statusesOf = (op: OperationObject) => Object.keys(op.responses).sort();

  it('every status a client can receive is documented, each only where it can happen', () => {
    for (const { route, operation: op } of operations()) {
      const hasPathParameter = route.name.includes('{');
      const expected = ['200', '400', '401', '403', '408', '414', '431', '500', '502', '503', '504'];
      if (hasPathParameter) expected.push('404');
      // Every route with a body policy reads (and size-checks) the body, even one Synapse ignores.
      if (route.body !== undefined) expected.push('413');
      if (route.method === 'POST') expected.push('415');
      expect(statusesOf(op), route.name).toEqual(expected.sort());
    }
  });

  it('415 is Synapse’s own empty answer to a multipart/form-data POST: documented without a body', () => {
    const reset = operation('post', `${ADMIN_PREFIX}/v1/federation/destinations/{destination}/reset_connection`)!;
    expect(reset.responses['415']).toEqual({ description: expect.stringMatching(/multipart\/form-data/) });
    expect(operation('put', `${ADMIN_PREFIX}/v1/rooms/{room_id}/block`)!.responses).not.toHaveProperty('415');
  });

  it('integers carry no artificial ±(2^53−1) bound anywhere in the document', () => {
    expect(documentText).not.toMatch(/9007199254740991/);
    const roomsList = operation('get', `${ADMIN_PREFIX}/v1/rooms`)!.responses['200']!.content!['application/json'].schema;
    expect(roomsList).toHaveProperty('properties.next_batch', { type: 'integer' });
    expect(roomsList).toHaveProperty('properties.rooms.items.properties.joined_members', { type: ['integer', 'null'] });
  });

  it('path parameters carry the pattern the route validates them with, and a pattern that matches what it accepts', async () => {
    const validSamples: Record<string, string> = { room_id: '!a:hs', room_identifier: '#a:hs', event_id: '$e', destination: 'd.example', delete_id: 'abc' };
    for (const { route, operation: op } of operations()) {
      for (const parameter of op.parameters.filter(({ in: where }) => where === 'path')) {
        // No pattern: any text is accepted (and looked up by Synapse as given).
        const pattern = new RegExp(String(parameter.schema?.pattern ?? ''), 'u');
        const params = { ...validSamples, [parameter.name]: 'not-an-id' };
        const refused = await Promise.resolve()
          .then(() => route.validate({ params, args: new Map(), body: {}, probe: async () => ({ status: 404, body: {} }), serverName: async () => 'hs' }))
          .then(
            () => false,
            (error: unknown) => error instanceof FacadeError && error.status === 400 && /legal room ID/.test(error.message),
          );
        expect(pattern.test('not-an-id'), `${route.name} ${parameter.name}`).toBe(!refused);
        expect(pattern.test(validSamples[parameter.name]!), `${route.name} ${parameter.name}`).toBe(true);
        // A dot segment is refused exactly where an ID is checked; elsewhere it is just an unknown ID.
        expect(pattern.test('..'), `${route.name} ${parameter.name}`).toBe(!refused);
      }
    }
  });

  it('a parameter Synapse’s route needs non-empty says so', () => {
    const reset = operation('post', `${ADMIN_PREFIX}/v1/federation/destinations/{destination}/reset_connection`)!;
    expect(reset.parameters[0]?.schema).toMatchObject({ type: 'string', minLength: 1 });
    const details = operation('get', `${ADMIN_PREFIX}/v1/federation/destinations/{destination}`)!;
    expect(details.parameters[0]?.schema).not.toHaveProperty('minLength');
  });

  it('the docs page lists each operation’s statuses and parameter patterns', async () => {
    const page = await (await endpoints.request('/docs/plain')).text();
    expect(page).toContain('<strong>415</strong>');
    expect(page).toContain('<strong>503</strong>');
    expect(page).toMatch(/matching <code>\^\(\?:!/);
  });
});

describe('/_facade/docs/plain', () => {
  it('answers one self-contained HTML page listing every owned route', async () => {
    const response = await endpoints.request('/docs/plain');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    for (const [method, path] of ownedOperations) expect(page).toContain(`${method.toUpperCase()} ${path}`);
    // Relative to /_facade/docs/plain, this is /_facade/openapi.json.
    expect(page).toContain('href="../openapi.json"');
    // Nothing fetched from elsewhere: no scripts, no external stylesheets or images.
    expect(page).not.toMatch(/<script|<link|src=|https?:\/\//i);
  });
});
