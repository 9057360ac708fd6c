// Validated values reach Synapse in the shortest form its parsers read as exactly those values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePathSegment, encodeLookupSegment, encodePathSegment, UNKNOWN_ID_SEGMENT } from '../../src/internal/path.ts';
import { parseSynapseQuery } from '../../src/internal/query.ts';
import { encodeQueryValue, encodeTwiceDecodedValue, upstreamTarget } from '../../src/pipeline/upstream-target.ts';
import { synapseJson } from '../../schemas/query-params.ts';

/** What Synapse's parse_string reads from `key=<encoded>` (Twisted's parse_qs, then UTF-8). */
const readOnce = (encoded: string) => parseSynapseQuery(`k=${encoded}`).get('k')![0]!.toString('utf8');
/** The JSON text parse_json reads from `filter=<encoded>` (parse_qs, UTF-8, then Python's unquote). */
const readTwice = (encoded: string) => synapseJson('filter').parse(parseSynapseQuery(`filter=${encoded}`).get('filter'));

/** Characters that matter to URLs, Twisted and Python's unquote, mixed with anything else. */
const tricky = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.array(fc.constantFrom('%', '2', '5', 'A', 'f', '+', ' ', '&', ';', '=', '#', '?', '/', '.', ':', '@', '"', '{', '}', '*', 'é', '\u0000', '\u007f', '\uD83D\uDE00'), { maxLength: 24 }).map((parts) => parts.join('')),
);

describe('issue 10 #2: Misleading 502 — values are sent in their shortest form', () => {
  it('a query value reads back as itself and is never longer than encodeURIComponent makes it', () => {
    fc.assert(fc.property(tricky, (value) => {
      const encoded = encodeQueryValue(value);
      expect(readOnce(encoded)).toBe(value);
      expect(encoded.length).toBeLessThanOrEqual(encodeURIComponent(value).length);
      // Printable ASCII only; no fragment, no raw separator, no raw `%` an intermediary could misread.
      expect(encoded).toMatch(/^[!-~]*$/);
      expect(encoded).not.toMatch(/[#&;]|%(?![0-9A-F]{2})/);
    }));
  });

  it('a twice-decoded value (filter) reads back as itself after both decodings, shorter than encoding it twice', () => {
    fc.assert(fc.property(tricky, (value) => {
      const filter = JSON.stringify({ types: [value] });
      const encoded = encodeTwiceDecodedValue(filter);
      expect(readTwice(encoded)).toBe(filter);
      expect(encoded.length).toBeLessThanOrEqual(encodeURIComponent(encodeURIComponent(filter)).length);
    }));
  });

  it('a path segment decodes to the value, is one RFC 3986 segment, and is no longer than encodeURIComponent makes it (but for `*`)', () => {
    fc.assert(fc.property(tricky.filter((value) => value !== '.' && value !== '..'), (value) => {
      const encoded = encodePathSegment(value);
      expect(decodePathSegment(encoded)).toBe(value.toWellFormed());
      expect(encoded).toMatch(/^(?:[A-Za-z0-9\-._~!$&'()+,;=:@]|%[0-9A-F]{2})*$/);
      // `*` is escaped on purpose: the cache's invalidation patterns read it as a wildcard.
      expect(encoded.length).toBeLessThanOrEqual(encodeURIComponent(value).replaceAll('*', '%2A').length);
    }));
  });

  it.each([
    ['a room ID', '!abc:example.org', '!abc:example.org'],
    ['an event ID (room v3 base64 has + and /)', '$a+b/c', '$a+b%2Fc'],
    ['an alias', '#room:hs', '%23room:hs'],
    ['a destination with a port', 'matrix.example.org:8448', 'matrix.example.org:8448'],
    ['`%`, `?`, space, `*` and non-ASCII', '%? *é', '%25%3F%20%2A%C3%A9'],
  ])('path: %s', (_name, value, encoded) => expect(encodePathSegment(value)).toBe(encoded));

  it.each([
    ['JSON punctuation stays raw', '{"senders":["@a:hs","@b:hs"]}', '{"senders":["@a:hs","@b:hs"]}'],
    ['a space is `+`, a plus is escaped', 'a b+c', 'a+b%2Bc'],
    ['separators and the fragment mark are escaped', 'a&b;c#d=e?f', 'a%26b%3Bc%23d=e?f'],
    ['`%` is always escaped', '100%', '100%25'],
  ])('query: %s', (_name, value, encoded) => expect(encodeQueryValue(value)).toBe(encoded));

  it('filter: only a `%` that starts an escape is escaped for the second decoding', () => {
    expect(encodeTwiceDecodedValue('{"types":["a%41","b%","c d","é"]}')).toBe('{"types":["a%252541","b%25","c+d","%C3%A9"]}');
  });

  it('a filter that parse_json would read reaches it unchanged', () => {
    const filter = '{"not_senders":["@x:hs"],"types":["m.room.*"],"contains_url":true}';
    const target = upstreamTarget({ path: '/v1/rooms/!r:hs/messages', query: [['dir', 'b'], ['filter', filter]] }, '', ['filter']);
    expect(target).toBe(`/_synapse/admin/v1/rooms/!r:hs/messages?dir=b&filter=${filter}`);
    const args = parseSynapseQuery(target.split('?')[1]!);
    expect(synapseJson('filter').parse(args.get('filter'))).toBe(filter);
  });

  it('the verbatim access_token pair is appended as received', () => {
    const target = upstreamTarget({ path: '/v1/rooms', query: [['search_term', 'a b']] }, 'access_token=s%65cret&search_term=x');
    expect(target).toBe('/_synapse/admin/v1/rooms?search_term=a+b&access_token=s%65cret');
  });
});

describe('issue 10 #7: Dot-only IDs — a lookup segment is never a dot segment', () => {
  it.each(['.', '..'])('%j goes as an ID nothing has', (value) => expect(encodeLookupSegment(value)).toBe(UNKNOWN_ID_SEGMENT));
  it('anything else is the ordinary path segment', () => {
    fc.assert(fc.property(tricky.filter((value) => value !== '.' && value !== '..'), (value) => {
      expect(encodeLookupSegment(value)).toBe(encodePathSegment(value));
    }));
  });
});
