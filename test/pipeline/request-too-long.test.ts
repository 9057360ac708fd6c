// A request Twisted would drop or refuse for its length is the facade's own 414, never sent; one that fits is sent.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN } from '../../src/mock/constants.ts';
import { BIG_ROOM_ID } from '../../src/mock/fixtures.ts';
import type { RecordedRequest } from '../../src/mock/server.ts';
import { TWISTED_MAX_HEAD_BYTES } from '../../src/pipeline/upstream-target.ts';
import { rawHttp } from '../support/raw-http.ts';
import { enc, ROOMS, useFacadeOverMock } from '../routes/support.ts';

const pair = useFacadeOverMock();

/** Sends `GET target` through the facade with a fixed set of headers, so only the target's length varies. */
const get = (target: string) => rawHttp(pair.facade().url, `GET ${target} HTTP/1.1\r\nAuthorization: Bearer ${DEFAULT_ADMIN_TOKEN}`);

/** The head bytes Twisted counts for a request the mock received: request line and header lines, no CRLFs. */
function twistedCount({ method, url, headers }: RecordedRequest): number {
  let bytes = `${method} ${url} HTTP/1.1`.length;
  for (const [name, value] of Object.entries(headers)) bytes += name.length + String(value).length + 2;
  return bytes;
}

const searchFor = (length: number) => `${ROOMS}?search_term=${'a'.repeat(length)}`;

describe('issue 10 #2: Misleading 502 — a request too long for Twisted is a 414, nothing sent', () => {
  it('the facade counts the head exactly as Twisted does: 16,384 bytes are sent, one more is refused', async () => {
    await get(searchFor(100));
    const counted = twistedCount(pair.upstreamRequests().at(-1)!);
    const longest = 100 + TWISTED_MAX_HEAD_BYTES - counted;
    pair.mock().reset();

    const fits = await get(searchFor(longest));
    expect(fits.status).toBe(200);
    expect(twistedCount(pair.upstreamRequests()[0]!)).toBe(TWISTED_MAX_HEAD_BYTES);
    pair.mock().reset();

    const over = await get(searchFor(longest + 1));
    expect(over.status).toBe(414);
    expect(JSON.parse(over.text.slice(over.text.indexOf('\r\n\r\n') + 4))).toEqual({
      errcode: 'M_TOO_LARGE',
      error: `Request too long: Synapse's HTTP server accepts at most 16384 bytes of request line and headers, and this request needs ${TWISTED_MAX_HEAD_BYTES + 1}`,
    });
    expect(pair.upstreamUrls()).toEqual([]);
  });

  it('a value whose shortest form is still too long (every `%` must be escaped) gets the 414, and nothing reaches Synapse', async () => {
    const answer = await pair.get(`${ROOMS}?search_term=${'%'.repeat(6_000)}`);
    expect(answer.status).toBe(414);
    expect(answer.body.errcode).toBe('M_TOO_LARGE');
    expect(answer.body.error).toMatch(/^Request too long: Synapse's HTTP server accepts at most 16384 bytes of request line and headers, and this request needs 18\d{3}$/);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(pair.upstreamUrls()).toEqual([]);
  });

  it('a messages filter of 400 senders (a 13.7 KB URL, too long once encoded twice) reaches Synapse and is answered', async () => {
    const senders = Array.from({ length: 400 }, (_, index) => `@user${String(index).padStart(3, '0')}:mock.example`);
    const filter = JSON.stringify({ not_senders: senders });
    const target = `${ROOMS}/${enc(BIG_ROOM_ID)}/messages?dir=b&filter=${enc(filter)}`;
    expect(target.length).toBeGreaterThan(13_000);
    expect(encodeURIComponent(encodeURIComponent(filter)).length).toBeGreaterThan(TWISTED_MAX_HEAD_BYTES);
    const answer = await pair.get(target);
    expect(answer.status).toBe(200);
    const [sent] = pair.upstreamRequests();
    expect(sent!.url).toContain(`filter=${filter}`);
    expect(twistedCount(sent!)).toBeLessThan(TWISTED_MAX_HEAD_BYTES);
  });
});

describe('issue 10 #2: Misleading 502 — the mock drops what Twisted drops', () => {
  it('with that head sent anyway, Synapse closes the connection without answering', async () => {
    const answer = await rawHttp(pair.mock().url, `GET ${searchFor(TWISTED_MAX_HEAD_BYTES)} HTTP/1.1`);
    expect(answer.text).toBe('');
  });
});
