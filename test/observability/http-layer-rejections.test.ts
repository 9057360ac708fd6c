// Every answer is a Matrix answer: requests refused before routing (a bad Host, what Node's HTTP parser cannot
// read) get Matrix JSON, Synapse's CORS headers, an X-Request-Id, a log line and a count; nothing reaches Synapse.
import { describe, expect, it } from 'vitest';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';
import { rawExchange, type RawAnswer } from '../support/raw-exchange.ts';

const { facade, upstream } = useFacadeOverFake();
const request = (hostLines: string, version = '1.1') => `GET /_matrix/client/versions HTTP/${version}\r\n${hostLines}\r\n`;

/** How many answers the facade counted under the rejections' route label, by status. */
async function rejectionCount(status: number): Promise<number> {
  const { values } = await facade().context.metrics.requests.get();
  return values
    .filter((value) => value.labels.route === 'rejected by HTTP layer' && value.labels.status === String(status))
    .reduce((sum, value) => sum + value.value, 0);
}

/** Sends `bytes` and checks the answer is this Matrix error, with CORS, a request id, a log line and a count. */
async function expectRejected(bytes: string, status: number, errcode: string, error: string | RegExp): Promise<RawAnswer> {
  const countBefore = await rejectionCount(status);
  const linesBefore = facade().logLines.length;
  const answer = await rawExchange(facade().url, bytes);
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/json');
  const body = JSON.parse(answer.body) as { errcode: string; error: string };
  expect(body.errcode).toBe(errcode);
  expect(body.error).toMatch(error);
  expect(answer.headers['access-control-allow-origin']).toBe('*');
  expect(answer.headers['access-control-expose-headers']).toContain('X-Request-Id');
  const requestId = answer.headers['x-request-id'];
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  const lines = facade().logLines.slice(linesBefore).map((line) => JSON.parse(line) as Record<string, unknown>);
  expect(lines).toContainEqual(expect.objectContaining({ msg: 'request', level: 30, request_id: requestId, route: 'rejected by HTTP layer', status }));
  expect(await rejectionCount(status)).toBe(countBefore + 1);
  expect(upstream().requests).toEqual([]);
  return answer;
}

describe('issue 10 #8: bad Host gets a bare 400 from the HTTP layer', () => {
  it.each([
    ['a b', 'Host: a b\r\n'],
    ['[::1', 'Host: [::1\r\n'],
    ['user@evil', 'Host: user@evil\r\n'],
    ['empty', 'Host: \r\n'],
    ['%zz', 'Host: %zz\r\n'],
    ['a bad port', 'Host: example.org:80x\r\n'],
    ['a percent-encoded name', 'Host: %41\r\n'],
  ])('Host %s → 400 Invalid Host header, as Matrix JSON', async (_name, hostLines) => {
    await expectRejected(request(hostLines), 400, 'M_UNKNOWN', 'Invalid Host header');
  });

  it('no Host on HTTP/1.1, or two of them → 400 (RFC 9112 §3.2)', async () => {
    await expectRejected(request(''), 400, 'M_UNKNOWN', 'Missing Host header');
    await expectRejected(request('Host: a.example\r\nHost: b.example\r\n'), 400, 'M_UNKNOWN', 'More than one Host header');
  });

  it('a good Host, an IP literal or HTTP/1.0 without Host still reach Synapse', async () => {
    const close = 'Connection: close\r\n';
    for (const bytes of [request(`Host: facade.example:8009\r\n${close}`), request(`Host: [::1]:8009\r\n${close}`), request(`Host: 127.0.0.1\r\n${close}`), request('', '1.0')]) {
      expect((await rawExchange(facade().url, bytes)).status).toBe(200);
    }
    expect(upstream().requests).toHaveLength(4);
  });

  it('a request target the facade cannot read → 400 Invalid request target', async () => {
    await expectRejected('OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'M_UNKNOWN', 'Invalid request target');
    await expectRejected('GET /a\\b HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'M_UNKNOWN', 'Invalid request target');
  });

  it.each([
    ['a malformed request line', 'GET /x HTTP/1.1 extra\r\nHost: x\r\n\r\n', 400, 'M_UNKNOWN', /^Malformed HTTP request \(HPE_/],
    ['an unknown method', 'G@T /x HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'M_UNKNOWN', /^Malformed HTTP request \(HPE_INVALID_METHOD\)$/],
    ['a bad header name', 'GET /x HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n', 400, 'M_UNKNOWN', /^Malformed HTTP request \(HPE_INVALID_HEADER_TOKEN\)$/],
    ['Content-Length with Transfer-Encoding', 'POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, 'M_UNKNOWN', /^Malformed HTTP request/],
    ['a broken chunked body', 'PUT /_matrix/client/v3/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n', 400, 'M_UNKNOWN', /^Malformed HTTP request \(HPE_INVALID_CHUNK_SIZE\)$/],
    ['headers over 16 KiB (Node: 431)', `GET /x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'M_TOO_LARGE', 'Request line and headers are too large'],
  ])('%s → the status Node would use, as Matrix JSON', async (_name, bytes, status, errcode, error) => {
    // The broken chunked body is refused once its request has started toward Synapse, which never receives it whole.
    await expectRejected(bytes, status, errcode, error);
  });
});
