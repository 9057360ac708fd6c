// The fast fit check answers exactly as Zod's safeParse on every route's upstream contract, for values that fit
// and values broken anywhere in their tree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileFit } from '../../src/pipeline/schema-fit.ts';
import { ownedRoutes } from '../../src/routes/owned-routes.ts';

interface Def {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  catchall?: { _zod: { def: Def } };
  element?: { _zod: { def: Def } };
  innerType?: { _zod: { def: Def } };
  options?: Array<{ _zod: { def: Def } }>;
  values?: unknown[];
}

const rawJson = (text: string) => (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(text);

/** Values that break almost any field: wrong kinds, SQLite's 0/1, numbers kept as raw JSON. */
const junk = fc.constantFrom<unknown>(
  undefined, null, 0, 1, 2, -1, 1.5, true, false, '', 'x', [], {}, [1], { a: 1 },
  rawJson('9007199254740993'), rawJson('1.0'), rawJson('-0'),
);

/** Values shaped by the definition, each node replaced by junk now and then. */
function valueOf(def: Def, depth = 0): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 6, arbitrary: typed(def, depth) }, { weight: 1, arbitrary: junk });
}

function typed(def: Def, depth: number): fc.Arbitrary<unknown> {
  const inner = (child: { _zod: { def: Def } }) => valueOf(child._zod.def, depth + 1);
  switch (def.type) {
    case 'string': return fc.string({ maxLength: 4 });
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    case 'literal': return fc.constantFrom(...(def.values ?? [null]));
    case 'optional': return fc.oneof(fc.constant(undefined), inner(def.innerType!));
    case 'nullable': return fc.oneof(fc.constant(null), inner(def.innerType!));
    case 'union': return fc.oneof(...def.options!.map(inner));
    case 'array': return depth > 4 ? fc.constant([]) : fc.array(inner(def.element!), { maxLength: 3 });
    case 'custom': return fc.oneof(fc.integer(), fc.double(), fc.constant(rawJson('12345678901234567890')), fc.constant(rawJson('1e2')), fc.string({ maxLength: 2 }));
    case 'object': {
      const shape = Object.fromEntries(Object.entries(def.shape ?? {}).map(([key, field]) => [key, inner(field)]));
      return fc.tuple(fc.record(shape, { requiredKeys: [] }), fc.option(fc.constantFrom('unknown_field', 'extra'))).map(([object, extra]) =>
        extra === null ? object : { ...object, [extra]: 1 });
    }
    default: return fc.jsonValue();
  }
}

const contracts = ownedRoutes.flatMap((route) => (route.response ? [{ name: route.name, schema: route.response.upstream as z.ZodType }] : []));

describe('schema fit', () => {
  it('understands every upstream contract of the list and detail routes', () => {
    for (const name of ['GET /v1/rooms', 'GET /v1/rooms/{room_id}', 'GET /v1/federation/destinations']) {
      const contract = contracts.find((entry) => entry.name === name);
      expect(contract, name).toBeDefined();
      expect(compileFit(contract!.schema), name).toBeTypeOf('function');
    }
  });

  // Objects are checked by generated functions where the process allows it, by closures otherwise: both answer alike.
  it.each(contracts.flatMap((contract) => [true, false].map((generate) => ({ ...contract, generate }))))(
    'answers as safeParse for $name (generated: $generate)',
    ({ schema, generate }) => {
      const fit = compileFit(schema, { generate });
      if (fit === undefined) return;
      const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
      fc.assert(fc.property(valueOf(def), (value) => fit(value) === schema.safeParse(value).success), { numRuns: 400 });
    },
  );

  it('keys that are not identifiers are read as themselves by the generated check', () => {
    const schema = z.object({ 'a"b': z.string(), 'c\\d': z.null(), 'e\u2028f': z.boolean() }).strict();
    for (const generate of [true, false]) {
      const fit = compileFit(schema, { generate })!;
      expect(fit(JSON.parse('{"a\\"b":"x","c\\\\d":null,"e\\u2028f":true}')), `generated: ${generate}`).toBe(true);
      expect(fit(JSON.parse('{"a\\"b":1,"c\\\\d":null,"e\\u2028f":true}')), `generated: ${generate}`).toBe(false);
      expect(fit(JSON.parse('{"a\\"b":"x","c\\\\d":null,"e\\u2028f":true,"g":1}')), `generated: ${generate}`).toBe(false);
    }
  });

  it('finds both answers: values that fit and values that do not', () => {
    const { schema } = contracts.find((entry) => entry.name === 'GET /v1/rooms')!;
    const fit = compileFit(schema)!;
    const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
    const answers = fc.sample(valueOf(def), { numRuns: 400, seed: 1 }).map(fit);
    expect(answers).toContain(true);
    expect(answers).toContain(false);
  });
});
