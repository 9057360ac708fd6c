// The mock's text order is SQLite's BINARY collation: UTF-8 bytes, which the list sorts compute without encoding.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareSqlValues } from '../../src/mock/internal/sqlite.ts';

const byBytes = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));

describe('compareSqlValues on text', () => {
  it('orders any two strings as their UTF-8 bytes do (property)', () => {
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('', 'a', '\uffff', '\ue000', '😀', '\ud7ff'));
    fc.assert(fc.property(text, text, (a, b) => Math.sign(compareSqlValues(a, b)) === byBytes(a, b)), { numRuns: 2_000, seed: 20261202 });
  });

  it('puts an astral character after U+FFFF, where UTF-16 code units would put it before', () => {
    expect(Math.sign(compareSqlValues('😀', '\uffff'))).toBe(1);
    expect(Math.sign(compareSqlValues('a😀', 'a\ue000'))).toBe(1);
    expect(Math.sign(compareSqlValues('ab', 'a'))).toBe(1);
  });
});
