// The head size the 414 check counts, line by line as undici writes it (request-too-long.test.ts holds the edge).
import { describe, expect, it } from 'vitest';
import { upstreamHeadBytes } from '../../src/pipeline/upstream-target.ts';

const lines = (...all: string[]) => all.reduce((sum, line) => sum + line.length, 0);

describe('upstreamHeadBytes', () => {
  it('counts the request line, host, connection, each value of a repeated header on its own line, and no length for a body-less GET', () => {
    const head = { method: 'GET', target: '/_synapse/admin/v1/rooms?limit=5', headers: { accept: ['a/b', 'c/d'], 'x-request-id': 'id-1' }, bodyLength: 0 };
    expect(upstreamHeadBytes('http://127.0.0.1:8008', head)).toBe(
      lines('GET /_synapse/admin/v1/rooms?limit=5 HTTP/1.1', 'host: 127.0.0.1:8008', 'connection: keep-alive', 'accept: a/b', 'accept: c/d', 'x-request-id: id-1'),
    );
  });

  it('counts content-length for a body, and for a PUT or POST without one', () => {
    const base = { target: '/x', headers: {} };
    const fixed = lines('host: h', 'connection: keep-alive');
    expect(upstreamHeadBytes('https://h', { ...base, method: 'POST', bodyLength: 12 })).toBe(lines('POST /x HTTP/1.1', 'content-length: 12') + fixed);
    expect(upstreamHeadBytes('https://h', { ...base, method: 'PUT', bodyLength: 0 })).toBe(lines('PUT /x HTTP/1.1', 'content-length: 0') + fixed);
    expect(upstreamHeadBytes('https://h', { ...base, method: 'DELETE', bodyLength: 0 })).toBe(lines('DELETE /x HTTP/1.1') + fixed);
  });
});
