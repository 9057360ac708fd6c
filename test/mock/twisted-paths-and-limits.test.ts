// The mock reads request targets as Twisted does: never normalised, and dropped or refused past its length limits.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN } from '../../src/mock/constants.ts';
import { rawHttp } from '../support/raw-http.ts';
import { useMockSynapse } from './support.ts';

const mock = useMockSynapse();
const get = (target: string, headers = '') =>
  rawHttp(mock().url, `GET ${target} HTTP/1.1\r\nAuthorization: Bearer ${DEFAULT_ADMIN_TOKEN}${headers}`);
/** The JSON body of a raw answer (one chunk). */
const bodyOf = (text: string) => JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as unknown;

describe('issue 10 #7: Dot-only IDs — Synapse sees a dot segment as the ID', () => {
  it.each(['..', '.', '%2E%2E', '.%2e'])('/v1/rooms/%s/members is that room, unknown: 404 Room not found', async (segment) => {
    const answer = await get(`/_synapse/admin/v1/rooms/${segment}/members`);
    expect(answer.status).toBe(404);
    expect(bodyOf(answer.text)).toEqual({ errcode: 'M_NOT_FOUND', error: 'Room not found' });
  });

  it("a dot segment never climbs: /v1/rooms/../block is the block status of room '..'", async () => {
    const answer = await get('/_synapse/admin/v1/rooms/../block');
    expect(bodyOf(answer.text)).toEqual({ errcode: 'M_UNKNOWN', error: '.. is not a legal room ID' });
  });

  it('`#` is an ordinary character of the query, not a fragment', async () => {
    const answer = await get('/_synapse/admin/v1/rooms?limit=1#&dir=x');
    expect(bodyOf(answer.text)).toEqual({ errcode: 'M_INVALID_PARAM', error: 'Query parameter limit must be an integer' });
  });
});

describe('issue 10 #2: Misleading 502 — Twisted drops an over-long request line, refuses an over-long head', () => {
  it('a request line over 16,384 bytes: the connection closes without an answer', async () => {
    const answer = await get(`/_synapse/admin/v1/rooms?search_term=${'a'.repeat(16_400)}`);
    expect(answer.text).toBe('');
  });

  it('a request line that fits, with headers that do not: a bare 400', async () => {
    const answer = await get(`/_synapse/admin/v1/rooms?search_term=${'a'.repeat(8_000)}`, `\r\nX-Padding: ${'b'.repeat(9_000)}`);
    expect(answer.text).toBe('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
});
