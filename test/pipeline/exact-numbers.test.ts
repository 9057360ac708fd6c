// Numbers written back exactly as Synapse wrote them: parseJsonExact + jsonBytes is the identity on Synapse's JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonInteger } from '../../schemas/common.ts';
import { roomList } from '../../schemas/rooms.ts';
import { integerText, integerValue, isRawJson, parseJsonExact } from '../../src/internal/exact-json.ts';
import { jsonBytes } from '../../src/internal/json-bytes.ts';
import { normaliseRoomList } from '../../src/normalise/rooms.ts';

/** parse, then serialise as the facade does. */
const roundTrip = (text: string) => jsonBytes(parseJsonExact(text)).toString('latin1');

/** Any JSON number text, including exponents beyond a double's range. */
const numberText = fc.stringMatching(/^-?(?:0|[1-9][0-9]{0,25})(?:\.[0-9]{1,18})?(?:[eE][+-]?[0-9]{1,3})?$/);
/** A JSON string as Synapse writes it (non-ASCII escaped), sometimes holding number-like text. */
const stringText = fc
  .oneof(fc.string({ unit: 'binary', maxLength: 12 }), numberText.map((number) => `,${number}`), fc.constantFrom(':1.0', '[-0', 'v1.0', ', 1e2'))
  .map((text) => jsonBytes(text).toString('latin1'));

const { value: jsonText } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, numberText, stringText, fc.constantFrom('true', 'false', 'null'), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
  object: fc
    // Keys that are array indices ("0", "12") are put first by every JavaScript object: key order, not numbers.
    .uniqueArray(fc.tuple(fc.string({ maxLength: 6 }).filter((key) => !/^(?:0|[1-9][0-9]*)$/.test(key)), tie('value')), {
      maxLength: 4,
      selector: ([key]) => key,
    })
    .map((members) => `{${members.map(([key, member]) => `${jsonBytes(key).toString('latin1')}:${member}`).join(',')}}`),
}));

describe('issue 10 #4: numbers change', () => {
  it.each([
    ['integers beyond 2^53', '{"a":9007199254740993,"b":-123456789012345678901234567890}'],
    ['a float written with a zero fraction', '{"a":1.0,"b":[2.50,-0.0]}'],
    ['minus zero', '{"a":-0,"b":[-0]}'],
    ['exponents', '{"a":1e2,"b":1E+2,"c":1e-7,"d":2E400,"e":-1e-400}'],
    ['numbers at the top level and in arrays', '[1.0,[1e2],{"x":[-0]}]'],
    ['a bare number', '1.0'],
  ])('%s are written back as sent', (_title, text) => {
    expect(roundTrip(text)).toBe(text);
  });

  it('any compact, ASCII-escaped JSON text is written back byte for byte', () => {
    fc.assert(fc.property(jsonText, (text) => roundTrip(text) === text), { numRuns: 2000 });
  });

  it('numbers JavaScript writes the same stay plain numbers (the fast path)', () => {
    const parsed = parseJsonExact('{"a":[0,1,-2,123456789012345,1.5],"b":"x:1.0"}') as { a: unknown[] };
    expect(parsed.a).toEqual([0, 1, -2, 123456789012345, 1.5]);
    expect(parsed.a.some(isRawJson)).toBe(false);
    expect(isRawJson((parseJsonExact('[9007199254740993]') as unknown[])[0])).toBe(true);
  });

  it('text that is not JSON still throws', () => {
    expect(() => parseJsonExact('{"a":1.0')).toThrow(SyntaxError);
    expect(() => parseJsonExact('oops')).toThrow(SyntaxError);
  });

  it('an integer of any size fits the schemas; a raw fraction or exponent is not an integer', () => {
    const [big, fraction, exponent] = parseJsonExact('[123456789012345678901,1.0,1e2]') as unknown[];
    expect(jsonInteger.safeParse(big).success).toBe(true);
    expect(jsonInteger.safeParse(-0).success).toBe(true);
    expect(jsonInteger.safeParse(fraction).success).toBe(false);
    expect(jsonInteger.safeParse(exponent).success).toBe(false);
    expect(jsonInteger.safeParse('1').success).toBe(false);
    expect(integerValue(big as never)).toBe(123456789012345678901n);
    expect(integerText(big as never)).toBe('123456789012345678901');
  });

  it('the rooms list compares next_batch with offset exactly beyond 2^53', () => {
    // As doubles both are 9007199254740992: a rounding comparison would drop a token that advances.
    const page = parseJsonExact('{"rooms":[],"offset":9007199254740992,"total_rooms":9007199254740999,"next_batch":9007199254740993}');
    const checked = roomList.safeParse(page);
    expect(checked.success).toBe(true);
    const text = jsonBytes(normaliseRoomList(page as never)).toString('latin1');
    expect(text).toBe('{"offset":9007199254740992,"total_rooms":9007199254740999,"rooms":[],"next_batch":9007199254740993,"next_token":"9007199254740993"}');
    const stuck = parseJsonExact('{"rooms":[],"offset":9007199254740993,"total_rooms":9007199254740999,"next_batch":9007199254740993}');
    expect(normaliseRoomList(stuck as never)).not.toHaveProperty('next_batch');
  });
});
