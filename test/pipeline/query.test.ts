// Synapse's query parsing quirks (Twisted parse_qs + servlet helpers) as the facade reproduces them.
import { describe, expect, it } from 'vitest';
import { originFormTarget, parseSynapseQuery, repeatedQueryArgs } from '../../src/internal/query.ts';
import { parsePythonInt } from '../../schemas/query-params.ts';

const first = (query: string, key: string) => parseSynapseQuery(query).get(key)?.[0]?.toString('utf8');

describe('parseSynapseQuery', () => {
  it('splits on both & and ;', () => {
    expect(first('from=5;limit=7', 'limit')).toBe('7');
    expect(first('from=5&limit=7', 'from')).toBe('5');
  });
  it('drops pairs without =, keeps blank values', () => {
    const args = parseSynapseQuery('raw&limit=');
    expect(args.has('raw')).toBe(false);
    expect(first('raw&limit=', 'limit')).toBe('');
  });
  it('takes the first of repeated keys', () => {
    expect(first('limit=1&limit=2', 'limit')).toBe('1');
  });
  it('turns + into a space before percent-decoding, and keeps malformed escapes', () => {
    expect(first('search_term=a+b%2Bc', 'search_term')).toBe('a b+c');
    expect(first('search_term=100%zz', 'search_term')).toBe('100%zz');
  });
  it('decodes percent-encoded keys', () => {
    expect(first('%6Cimit=3', 'limit')).toBe('3');
  });
});

describe('repeatedQueryArgs (a repeated query parsed once)', () => {
  it('gives what a fresh parse gives, and the same parse for the same text', () => {
    for (const query of ['limit=100', 'from=5;limit=7&order_by=name', 'search_term=caf%C3%A9+bar', 'raw&limit=', '']) {
      expect(repeatedQueryArgs(query)).toEqual(parseSynapseQuery(query));
    }
    expect(repeatedQueryArgs('limit=10&dir=b')).toBe(repeatedQueryArgs('limit=10&dir=b'));
  });

  it('never keeps a query that may carry a token: access_token, or any percent-encoded key that could spell it', () => {
    for (const query of ['access_token=syt_secret&limit=1', 'limit=1&access%5Ftoken=syt_secret', 'acc%65ss_token=syt_secret']) {
      expect(repeatedQueryArgs(query)).toEqual(parseSynapseQuery(query));
      expect(repeatedQueryArgs(query)).not.toBe(repeatedQueryArgs(query));
    }
  });

  it('does not keep long queries, and keeps a bounded number', () => {
    const long = `search_term=${'a'.repeat(600)}`;
    expect(repeatedQueryArgs(long)).not.toBe(repeatedQueryArgs(long));
    const first = repeatedQueryArgs('from=0');
    for (let index = 1; index <= 2_000; index += 1) repeatedQueryArgs(`from=${index}`);
    expect(repeatedQueryArgs('from=0')).not.toBe(first);
  });
});

describe('parsePythonInt (Python int())', () => {
  it.each([
    ['10', 10n],
    [' 7 ', 7n],
    ['+3', 3n],
    ['-0', 0n],
    ['1_000', 1000n],
    ['-5', -5n],
    ['99999999999999999999', 99999999999999999999n],
  ])('accepts %j', (text, value) => {
    expect(parsePythonInt(text)).toBe(value);
  });
  it.each(['', 'abc', '1__0', '_1', '1_', '1.5', '0x10', '1e3', '١٢'])('rejects %j', (text) => {
    expect(parsePythonInt(text)).toBeUndefined();
  });
});

describe('originFormTarget', () => {
  it('reduces absolute-form targets to origin form', () => {
    expect(originFormTarget('http://example.org/_synapse/admin/v1/rooms?x=1')).toBe('/_synapse/admin/v1/rooms?x=1');
    expect(originFormTarget('/a?b')).toBe('/a?b');
  });
});
