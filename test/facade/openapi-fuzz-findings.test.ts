// What the schema fuzzer (npm run test:fuzz) found the document did not say: each value it may generate from the
// document must be one the facade and Synapse accept, and each value outside it one they refuse.
import { describe, expect, it } from 'vitest';
import { ADMIN_PREFIX, buildOpenApiDocument } from '../../src/facade/openapi.ts';
import type { OpenApiDocument, ParameterObject } from '../../src/facade/openapi-schema.ts';
import { ownedRoutes } from '../../src/routes/owned-routes.ts';
import { synapseCrashes } from '../../src/pipeline/synapse-crashes.ts';
import { z } from 'zod';
import { jobCreateBody } from '../../schemas/jobs.ts';
import { defineFacadeApi } from '../../src/facade/v1/declare.ts';
import { startTestFacade } from '../support/facade.ts';

/** The document as served: JSON text (raw JSON numbers written exactly), parsed back by a client. */
const served = (options?: Parameters<typeof buildOpenApiDocument>[1]) => JSON.stringify(buildOpenApiDocument(ownedRoutes, options));

const parameterOf = (document: OpenApiDocument, method: string, path: string, name: string): ParameterObject => {
  const parameter = document.paths[`${ADMIN_PREFIX}${path}`]?.[method]?.parameters.find((candidate) => candidate.name === name);
  if (!parameter) throw new Error(`no parameter ${name} on ${method} ${path}`);
  return parameter;
};

type BodySchema = { properties: Record<string, { pattern?: string; description?: string }> };
const deleteBody = (document: OpenApiDocument, version: 'v1' | 'v2') =>
  document.paths[`${ADMIN_PREFIX}/${version}/rooms/{room_id}`]!.delete!.requestBody!.content['application/json'].schema as unknown as BodySchema;

describe('issue 10 #6: OpenAPI gaps — integer bounds Synapse fails beyond', () => {
  const text = served();

  it.each([
    ['/v1/rooms', 'from', '9223372036854775807'],
    ['/v1/rooms', 'limit', '9223372036854775807'],
    ['/v1/federation/destinations', 'from', '9223372036854775807'],
    ['/v1/federation/destinations/{destination}/rooms', 'limit', '9223372036854775807'],
    ['/v1/rooms/{room_id}/timestamp_to_event', 'ts', '9223372036854775807'],
    ['/v1/rooms/{room_id}/context/{event_id}', 'limit', '9223372036854775295'],
  ])('%s %s: maximum %s, written exactly', (path, name, maximum) => {
    const fragment = `{"name":"${name}","in":"query"`;
    const operation = text.slice(text.indexOf(`"${ADMIN_PREFIX}${path}"`));
    const parameter = operation.slice(operation.indexOf(fragment));
    expect(parameter.slice(0, parameter.indexOf('}}') + 2)).toContain(`"maximum":${maximum}`);
  });

  it('the parameters with a maximum in the document are exactly those the Synapse-500 list bounds', () => {
    const listed = synapseCrashes.flatMap((crash) =>
      crash.routes.flatMap((route) => Object.keys(crash.maxima ?? {}).map((name) => `${route} ${name}`)),
    );
    const document = JSON.parse(text) as OpenApiDocument;
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        operation.parameters
          .filter((parameter) => parameter.schema?.maximum !== undefined)
          .map((parameter) => `${method.toUpperCase()} ${path.slice(ADMIN_PREFIX.length)} ${parameter.name}`),
      ),
    );
    expect(new Set(documented)).toEqual(new Set(listed));
    expect(parameterOf(document, 'get', '/v1/rooms/{room_id}/messages', 'limit').schema).not.toHaveProperty('maximum');
  });
});

describe('issue 10 #6: OpenAPI gaps — new_room_user_id must be a local user', () => {
  it('v2 refuses every non-local user (before scheduling): with a server name, its exact pattern', () => {
    const document = JSON.parse(served({ serverName: 'hs.example:8448' })) as OpenApiDocument;
    const pattern = new RegExp(deleteBody(document, 'v2').properties.new_room_user_id!.pattern!);
    expect(['@admin:hs.example:8448', '@:hs.example:8448'].every((id) => pattern.test(id))).toBe(true);
    // Synapse's is_mine_id compares everything after the first `:`; the facade also wants the `@` (see below).
    for (const id of ['', 'x:hs.example:8448', '@admin:hs.example', '@a:b:hs.example:8448', '@admin:hsXexample:8448', '@admin:hs.example:8448\n']) {
      expect(pattern.test(id)).toBe(false);
    }
  });

  it('v1 refuses it only for a room that exists: no pattern, the description says local', () => {
    const document = JSON.parse(served({ serverName: 'hs.example' })) as OpenApiDocument;
    const field = deleteBody(document, 'v1').properties.new_room_user_id!;
    expect(field.pattern).toBeUndefined();
    expect(field.description).toMatch(/local user/i);
  });

  it('without a configured server name, no pattern is invented', () => {
    const document = JSON.parse(served()) as OpenApiDocument;
    expect(deleteBody(document, 'v2').properties.new_room_user_id!.pattern).toBeUndefined();
  });
});

describe('issue 11 fuzz finding: a delete job refuses a non-local new_room_user_id in its dry run', () => {
  const jobOptions = (document: OpenApiDocument) => {
    const body = document.paths['/_facade/v1/jobs']!.post!.requestBody!.content['application/json'].schema;
    const found = JSON.stringify(body).match(/"new_room_user_id":(\{[^}]*\})/);
    return found ? (JSON.parse(found[1]!) as { pattern?: string }) : undefined;
  };
  const facadeApis = [
    defineFacadeApi({ method: 'post', path: '/_facade/v1/jobs', tag: 't', summary: 's', description: 'd', body: jobCreateBody, response: z.object({}), errors: [400], handle: (c) => c.json({}) }),
  ];

  it('with a server name, the job options carry the local-user pattern the v2 delete has', () => {
    const document = JSON.parse(JSON.stringify(buildOpenApiDocument(ownedRoutes, { serverName: 'hs.example', facadeApis }))) as OpenApiDocument;
    const pattern = new RegExp(jobOptions(document)!.pattern!);
    expect(pattern.test('@admin:hs.example')).toBe(true);
    for (const id of ['', '@admin:other.example', 'admin:hs.example']) expect(pattern.test(id)).toBe(false);
    expect(jobOptions(document)!.pattern).toBe(deleteBody(document, 'v2').properties.new_room_user_id!.pattern);
  });

  it('without one, no pattern is invented', () => {
    const document = JSON.parse(JSON.stringify(buildOpenApiDocument(ownedRoutes, { facadeApis }))) as OpenApiDocument;
    expect(jobOptions(document)).toBeDefined();
    expect(jobOptions(document)!.pattern).toBeUndefined();
  });
});

describe('issue 10 #6: OpenAPI gaps — a room alias with a non-ASCII server name', () => {
  it('is left out of the room_identifier pattern, since the facade refuses it (Synapse fails resolving it)', () => {
    const document = JSON.parse(served()) as OpenApiDocument;
    const pattern = new RegExp(parameterOf(document, 'get', '/v1/rooms/{room_identifier}/forward_extremities', 'room_identifier').schema?.pattern as string);
    expect(pattern.test('#a:example.org: 8448')).toBe(true);
    expect(pattern.test('#a:example.org:\u20028448')).toBe(false);
    // A room ID with such a port is only looked up, never resolved over federation: still accepted.
    expect(pattern.test('!a:example.org:\u20028448')).toBe(true);
  });
});

describe('issue 16 fuzz findings: what the facade API’s document said it accepts', () => {
  const served = async () => {
    const facade = await startTestFacade('http://127.0.0.1:9');
    try {
      return (await (await fetch(`${facade.url}/_facade/openapi.json`)).json()) as OpenApiDocument;
    } finally {
      await facade.close();
    }
  };

  it('a job body takes exactly one of rooms and filter, in every action’s branch', async () => {
    const body = (await served()).paths['/_facade/v1/jobs']!.post!.requestBody!.content['application/json'].schema as { oneOf?: unknown[]; anyOf?: unknown[] };
    const branches = (body.oneOf ?? body.anyOf ?? []) as Array<{ oneOf?: unknown }>;
    expect(branches).toHaveLength(3);
    for (const branch of branches) expect(branch.oneOf).toEqual([{ required: ['rooms'] }, { required: ['filter'] }]);
    // The filter's counts have the query's bound (Zod's own integer bound was refused but undocumented).
    const filter = (branches[0] as { properties: { filter: { properties: Record<string, { maximum?: number }> } } }).properties.filter;
    for (const name of ['joined_members_min', 'state_events_max']) expect(filter.properties[name]!.maximum).toBe(999_999_999_999_999);
  });

  it('index counts document their 15-digit maximum; texts and cursors no length of their own (the request line bounds them: 431)', async () => {
    const document = await served();
    for (const path of ['/_facade/v1/rooms', '/_facade/v1/rooms/export', '/_facade/v1/federation/destinations']) {
      const operation = document.paths[path]!.get!;
      expect(operation.responses).toHaveProperty('431');
      for (const parameter of operation.parameters) {
        expect(parameter.schema, `${path} ${parameter.name}`).not.toHaveProperty('maxLength');
        if (parameter.schema?.type === 'integer' && parameter.name !== 'limit') expect(parameter.schema.maximum, parameter.name).toBe(999_999_999_999_999);
      }
    }
  });
});
