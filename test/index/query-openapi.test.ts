// The index endpoints in the OpenAPI document: tagged "Facade: index", every filter a documented query parameter,
// exports answering NDJSON, CSV or JSON, and the jobs body's `filter`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../../src/facade/openapi-schema.ts';
import type { MockSynapse } from '../../src/mock/server.ts';
import type { TestFacade } from '../support/facade.ts';
import { get, startQueryFacade } from './support/query-harness.ts';

let mock: MockSynapse;
let facade: TestFacade;
let document: OpenApiDocument;

beforeAll(async () => {
  ({ mock, facade } = await startQueryFacade());
  const answer = await get<OpenApiDocument>(facade, '/_facade/openapi.json', {}, null);
  expect(answer.status).toBe(200);
  document = answer.json;
});
afterAll(async () => {
  await facade?.close();
  await mock?.close();
});

const ROOM_FILTERS = [
  'q', 'empty', 'public', 'encrypted', 'federatable', 'blocked', 'room_type', 'join_rules', 'guest_access', 'history_visibility', 'version', 'creator',
  'joined_members_min', 'joined_members_max', 'joined_local_members_min', 'joined_local_members_max', 'state_events_min', 'state_events_max',
];

describe('the OpenAPI document', () => {
  it.each([
    ['/_facade/v1/rooms', [...ROOM_FILTERS, 'order_by', 'dir', 'limit', 'cursor']],
    ['/_facade/v1/rooms/export', [...ROOM_FILTERS, 'order_by', 'dir', 'format']],
    ['/_facade/v1/federation/destinations', ['q', 'failing', 'order_by', 'dir', 'limit', 'cursor']],
    ['/_facade/v1/federation/destinations/export', ['q', 'failing', 'order_by', 'dir', 'format']],
  ])('describes GET %s under "Facade: index" with its query parameters', (path, parameters) => {
    const operation = document.paths[path]?.get;
    expect(operation?.tags).toEqual(['Facade: index']);
    expect(operation!.parameters.map((parameter) => parameter.name)).toEqual(parameters);
    expect(operation!.responses['400']).toBeDefined();
    // 503 is on every facade operation (the store); what the index adds is saying when it is not ready.
    expect(operation!.description).toMatch(/503 M_UNKNOWN \(not ready\)/);
  });

  it('documents integers as integers and the orders as enums', () => {
    const parameters = document.paths['/_facade/v1/rooms']!.get!.parameters;
    const schemaOf = (name: string) => parameters.find((parameter) => parameter.name === name)!.schema;
    expect(schemaOf('joined_members_min')).toMatchObject({ type: 'integer', minimum: 0 });
    expect(schemaOf('limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
    expect(schemaOf('order_by')).toMatchObject({ default: 'name' });
    expect(schemaOf('order_by')!.enum).toEqual(expect.arrayContaining(['room_id', 'name', 'state_events', 'room_type', 'first_seen']));
  });

  it('gives the exports NDJSON, CSV and JSON answers', () => {
    const content = document.paths['/_facade/v1/rooms/export']!.get!.responses['200']!.content!;
    expect(Object.keys(content).sort()).toEqual(['application/json', 'application/x-ndjson', 'text/csv']);
    expect(content['application/json'].schema).toMatchObject({ type: 'array' });
    expect(content['application/x-ndjson']!.schema).toMatchObject({ type: 'object' });
    expect(content['application/x-ndjson']!.schema.required).toEqual(expect.arrayContaining(['room_id', 'first_seen', 'last_seen', 'blocked']));
  });

  it("documents the jobs body's filter beside rooms", () => {
    const body = JSON.stringify(document.paths['/_facade/v1/jobs']!.post!.requestBody!.content['application/json'].schema);
    expect(body).toContain('"filter"');
    expect(body).toContain('"joined_local_members_max"');
  });
});
