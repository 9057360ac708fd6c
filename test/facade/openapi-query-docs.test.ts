// The documented query parameters agree with what each route accepts: ASCII text, messages' stream tokens and the
// JSON `filter`, checked through the route's own validation and the facade's refusals of what Synapse fails on.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASCII_PATTERN } from '../../schemas/query-params.ts';
import { FacadeError } from '../../src/errors.ts';
import { renderDocsPage } from '../../src/facade/docs-page.ts';
import { ADMIN_PREFIX, buildOpenApiDocument } from '../../src/facade/openapi.ts';
import type { OpenApiDocument, ParameterObject } from '../../src/facade/openapi-schema.ts';
import { rawInteger } from '../../src/internal/exact-json.ts';
import { parseSynapseQuery } from '../../src/internal/query.ts';
import type { OwnedRoute } from '../../src/pipeline/owned-route.ts';
import { refuseSynapseCrashes } from '../../src/pipeline/synapse-crashes.ts';
import { ownedRoutes } from '../../src/routes/owned-routes.ts';

// The JSON Schema 2020-12 validator of the OpenAPI validator (a dev dependency); untyped at this boundary.
const requireFromValidator = createRequire(import.meta.resolve('@seriousme/openapi-schema-validator'));
const Ajv2020 = (requireFromValidator('ajv/dist/2020.js') as { default: new (options: object) => { compile(schema: object): (value: unknown) => boolean } }).default;

// As served (src/facade/endpoints.ts): written to JSON, then read back as a client does.
const documentText = JSON.stringify(buildOpenApiDocument(ownedRoutes));
const document = JSON.parse(documentText) as OpenApiDocument;
const MESSAGES = 'GET /v1/rooms/{room_id}/messages';
const CONTEXT = 'GET /v1/rooms/{room_id}/context/{event_id}';
const DESTINATIONS = 'GET /v1/federation/destinations';
const STATE = 'GET /v1/rooms/{room_id}/state';

const routeNamed = (name: string): OwnedRoute => ownedRoutes.find((route) => route.name === name)!;
function parameterOf(routeName: string, name: string): ParameterObject {
  const [method = '', path = ''] = routeName.split(' ');
  const parameter = document.paths[`${ADMIN_PREFIX}${path}`]?.[method.toLowerCase()]?.parameters.find((candidate) => candidate.name === name);
  if (!parameter) throw new Error(`no parameter ${name} on ${routeName}`);
  return parameter;
}
const patternOf = (routeName: string, name: string) => new RegExp(String(parameterOf(routeName, name).schema?.pattern), 'u');

const PARAMS = { room_id: '!r:hs', event_id: '$e' };
/** Whether the facade sends `query` (as on the wire) on to Synapse: its validation, then its refusals of Synapse's 500s. */
async function facadeAccepts(routeName: string, query: string): Promise<boolean> {
  const route = routeNamed(routeName);
  try {
    const input = { params: PARAMS, args: parseSynapseQuery(query), body: {}, probe: async () => ({ status: 200, body: {} }), serverName: async () => 'hs' };
    refuseSynapseCrashes(route, await route.validate(input), PARAMS);
    return true;
  } catch (error) {
    if (error instanceof FacadeError && error.status === 400) return false;
    throw error;
  }
}

describe('issue 10 #6: OpenAPI gaps — query parameters', () => {
  describe('ASCII-only text', () => {
    it('every ASCII text parameter without a list of values or a pattern of its own documents the ASCII pattern', () => {
      const documented = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.entries(item).flatMap(([method, op]) =>
          op.parameters.filter((parameter) => parameter.schema?.pattern === ASCII_PATTERN).map(({ name }) => `${method} ${path} ${name}`)));
      expect(documented.sort()).toEqual([`get ${ADMIN_PREFIX}/v1/federation/destinations destination`, `get ${ADMIN_PREFIX}/v1/rooms/{room_id}/state type`]);
    });

    it('the pattern matches exactly the values the facade accepts (destination, state type)', async () => {
      const value = fc.oneof(fc.string({ unit: 'binary-ascii' }), fc.string({ unit: 'binary' }), fc.constantFrom('\x93t\x9b', 'a\n', '\n', '\x7f', '\x80', 'é'));
      for (const [routeName, name] of [[DESTINATIONS, 'destination'], [STATE, 'type']] as const) {
        const pattern = patternOf(routeName, name);
        await fc.assert(
          fc.asyncProperty(value, async (text) => pattern.test(text) === (await facadeAccepts(routeName, `${name}=${encodeURIComponent(text)}`))),
          { numRuns: 2_000 },
        );
      }
    });
  });

  describe('messages `from` and `to` stream tokens', () => {
    const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
    const number = fc.oneof(digits(1, 18), digits(19, 22), fc.constantFrom('-1', '+1', '1_0', ' 1', '9223372036854775807', '9223372036854775808', ''));
    const position = fc.oneof(number, number.map((stream) => `m${stream}`), fc.constantFrom('m5~', 'm5~1.6', 'm5~~', 'm', 'x'));
    const roomKey = fc.oneof(
      number.map((stream) => `s${stream}`),
      fc.tuple(number, number).map(([topological, stream]) => `t${topological}-${stream}`),
      number.map((stream) => `m${stream}`),
      fc.constantFrom('m5~', 'm5~1.6', 'x1', 's', 't1', ''),
    );
    const token = fc.oneof(
      fc.tuple(roomKey, fc.array(position, { maxLength: 15 }), fc.constantFrom('', '\n', ' ')).map(([key, rest, end]) => [key, ...rest].join('_') + end),
      fc.constantFrom('END', 'END\n', 'end'),
      fc.string({ maxLength: 12 }),
    );

    for (const name of ['from', 'to'] as const) {
      const pattern = patternOf(MESSAGES, name);
      // fast-check's generator reads no lookahead; `$` without the `m` flag ends the text in ECMA-262.
      const generated = fc.stringMatching(new RegExp(pattern.source.replace('(?![\\s\\S])', '$')));

      it(`${name}: every value matching the pattern passes the facade, backwards and forwards`, async () => {
        await fc.assert(
          fc.asyncProperty(generated, fc.constantFrom('b', 'f'), async (value, dir) => {
            expect(pattern.test(value)).toBe(true);
            return facadeAccepts(MESSAGES, `dir=${dir}&${name}=${encodeURIComponent(value)}`);
          }),
          { numRuns: 1_000 },
        );
      });

      it(`${name}: no value the facade refuses matches the pattern`, async () => {
        await fc.assert(
          fc.asyncProperty(token, fc.constantFrom('b', 'f'), async (value, dir) =>
            (await facadeAccepts(MESSAGES, `dir=${dir}&${name}=${encodeURIComponent(value)}`)) || !pattern.test(value)),
          { numRuns: 5_000 },
        );
      });
    }

    it.each([
      ['a 14th position (too many values to unpack)', `s1${'_0'.repeat(14)}`],
      ['a multi-writer position where Synapse reads int()', 's1_m5'],
      ['a writer entry (its instance id may be unknown)', 's1_0_0_m5~1.6'],
      ['a sign (MultiWriterStreamToken.parse needs a digit first)', 's1_0_0_-5'],
      ['19 digits (2^63 with dir=b is refused)', 's9223372036854775808'],
    ])('leaves out what Synapse 1.163.2 may refuse though the facade passes it on: %s', async (_title, value) => {
      expect(await facadeAccepts(MESSAGES, `dir=f&from=${encodeURIComponent(value)}`)).toBe(true);
      expect(patternOf(MESSAGES, 'from').test(value)).toBe(false);
    });

    it('documents `END` for `from` only, the empty value for both, and says the pattern is not exact', () => {
      expect(patternOf(MESSAGES, 'from').test('END')).toBe(true);
      expect(patternOf(MESSAGES, 'to').test('END')).toBe(false);
      expect(patternOf(MESSAGES, 'to').test('')).toBe(true);
      expect(patternOf(MESSAGES, 'from').test('s1\n')).toBe(false);
      expect(parameterOf(MESSAGES, 'from').description).toMatch(/not exact/);
    });
  });

  describe('`filter`: a JSON-encoded parameter', () => {
    const ajv = new Ajv2020({ strict: false });
    const BIG = [2n ** 63n + 4096n, 2n ** 64n, -(2n ** 63n) - 4096n, 10n ** 30n];
    const INT64 = [2n ** 63n - 4096n, -(2n ** 63n) + 4096n, 2n ** 53n + 1n];
    const scalar = fc.oneof(
      fc.constantFrom(null, true, false, 0, 1, -1, 1.5, '', 'm.room.*', '@a:hs', '*'),
      fc.constantFrom(...BIG, ...INT64).map(rawInteger),
      fc.string({ unit: fc.constantFrom('a', '*', '.', ' ', 'é', '"', '\\'), maxLength: 4 }),
    );
    const nested = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b'), scalar, { maxKeys: 2 }));
    const fieldValue = fc.oneof(nested, fc.array(nested, { maxLength: 3 }));
    const field = fc.constantFrom('types', 'not_types', 'senders', 'not_senders', 'rooms', 'not_rooms', 'org.matrix.labels',
      'org.matrix.not_labels', 'related_by_senders', 'related_by_rel_types', 'contains_url', 'limit', 'unknown');
    const filter = fc.oneof(fc.dictionary(field, fieldValue, { maxKeys: 4 }), nested);

    for (const routeName of [MESSAGES, CONTEXT]) {
      it(`${routeName}: documented under content, and its schema matches exactly the filters the facade accepts`, async () => {
        const parameter = parameterOf(routeName, 'filter');
        expect(parameter.schema).toBeUndefined();
        const validates = ajv.compile(parameter.content!['application/json'].schema);
        await fc.assert(
          fc.asyncProperty(filter, async (value) => {
            const text = JSON.stringify(value);
            // The validator reads JavaScript numbers: the big integers above keep their side of ±2^63 when rounded.
            return validates(JSON.parse(text)) === (await facadeAccepts(routeName, `filter=${encodeURIComponent(text)}`));
          }),
          { numRuns: 5_000 },
        );
      });
    }

    it('writes the int64 bounds exactly, and says how falsy values and a second percent-decoding are read', () => {
      // JSON.parse would round them: the served text is what a Python client reads exactly.
      expect(documentText).toContain('"not":{"type":"integer","anyOf":[{"minimum":9223372036854775808},{"exclusiveMaximum":-9223372036854775808}]}');
      expect(parameterOf(MESSAGES, 'filter').description).toMatch(/`%22`.*no filter/s);
    });

    it.each([['0'], ['false'], ['null'], ['""'], ['[]'], ['{}']])('the falsy %s is no filter: accepted and documented', async (text) => {
      const validates = ajv.compile(parameterOf(CONTEXT, 'filter').content!['application/json'].schema);
      expect(validates(JSON.parse(text))).toBe(true);
      expect(await facadeAccepts(CONTEXT, `filter=${encodeURIComponent(text)}`)).toBe(true);
    });

    it('the docs page shows the JSON value’s schema', () => {
      expect(renderDocsPage(document)).toMatch(/application\/json text of a value matching<details><summary>Schema<\/summary><pre>\{\n {2}&#34;anyOf&#34;/);
    });
  });
});
