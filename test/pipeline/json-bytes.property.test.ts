// jsonBytes writes what Python's json.dumps(ensure_ascii=True) writes: the JSON text, every code unit from DEL up as \uXXXX.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonBytes } from '../../src/internal/json-bytes.ts';

/** The escaping spelled out the slow, obvious way. */
const reference = (value: unknown) =>
  Buffer.from(JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`), 'latin1');

/** Strings of every kind of code unit: ASCII, DEL, Latin-1, other scripts, emoji and lone surrogates. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('a', '"', '\\', '\u007f', '\u0080', 'é', 'ÿ', 'Ł', '中', '🎉', '\ud800', '\udfff', '\u2028'), maxLength: 40 }),
);

describe('jsonBytes', () => {
  it('escapes every code unit from DEL up, and nothing else, as the reference does', () => {
    fc.assert(fc.property(fc.array(fc.record({ name: text, n: fc.integer() }), { maxLength: 5 }), (value) => jsonBytes(value).equals(reference(value))), { numRuns: 2000 });
  });

  // jsonBytes looks for escapes window by window; these texts span many windows, with runs across their edges.
  it('escapes as the reference does in texts many windows long, whatever falls on a window edge', () => {
    // One odd character in every 1,100 to 1,600 others: few enough that only the windows holding one are searched.
    const filler = fc.string({ unit: fc.constantFrom('a', ' ', '"', '\\'), minLength: 1100, maxLength: 1600 });
    const odd = fc.constantFrom('\u007f', '\u0080', 'é', '中', '🎉', '\ud800', '\udfff');
    const long = fc.array(fc.tuple(filler, odd), { minLength: 1, maxLength: 6 }).map((parts) => parts.flat().join(''));
    fc.assert(fc.property(long, fc.boolean(), (name, many) => {
      // Mostly ASCII (found window by window) or mostly not (searched whole): the same bytes either way.
      const value = many ? { name, more: name.replace(/a/g, '中') } : { name };
      return jsonBytes(value).equals(reference(value));
    }), { numRuns: 300 });
  });

  it('escapes a character on each side of a window edge, a surrogate pair split by one, and DEL there', () => {
    // The text starts with `"`: character i of the string is character i + 1 of the text.
    for (const at of [510, 511, 512, 1023, 1024]) {
      for (const odd of ['é', '中', '🎉', '\u007f', '\ud83c']) {
        const value = `${'x'.repeat(at - 1)}${odd}${'y'.repeat(600)}`;
        expect(jsonBytes(value).equals(reference(value)), `${JSON.stringify(odd)} at ${at}`).toBe(true);
      }
    }
  });

  it('writes known text as Synapse does', () => {
    expect(jsonBytes({ name: 'Café 🎉', del: '\u007f', plain: 'x' }).toString('latin1')).toBe(String.raw`{"name":"Caf\u00e9 \ud83c\udf89","del":"\u007f","plain":"x"}`);
    expect(jsonBytes('é').toString('latin1')).toBe(String.raw`"\u00e9"`);
    expect(jsonBytes({ a: 'plain ascii' }).toString('latin1')).toBe('{"a":"plain ascii"}');
  });
});
