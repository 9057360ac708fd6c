// The request line is written without pino's generic path; it must stay byte for byte what pino writes.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { requestLine, type RequestRecord } from '../../src/observability/request-log.ts';

/** What pino itself writes for `fields` at info with message "request", with `time` fixed. */
function byPino(fields: Record<string, unknown>, time: number, bindings?: Record<string, unknown>): string {
  const sink: string[] = [];
  const root = createLogger('info', new Writable({ write: (chunk: Buffer, _encoding, done) => done(void sink.push(chunk.toString('utf8'))) }));
  const logger = bindings ? root.child(bindings) : root;
  logger.info(fields, 'request');
  return sink[0]!.replace(/"time":\d+/, `"time":${time}`);
}

const base: RequestRecord = { id: 'c0ffee-1', method: 'GET', route: 'GET /v1/rooms', startedAt: 0n };

describe('the request line', () => {
  const cases: Array<[string, RequestRecord, number, number, boolean]> = [
    ['a hit', { ...base, cache: 'hit' }, 200, 0.051, false],
    ['a miss with Synapse\'s status', { ...base, cache: 'miss', upstreamStatus: 200 }, 200, 12.5, false],
    ['pass-through', { ...base, route: 'pass-through', method: 'POST', upstreamStatus: 401 }, 401, 3, false],
    ['a refusal before routing', { ...base, route: 'rejected by HTTP layer', rejection: 'Host header missing' }, 400, 0.002, false],
    ['a client that left', { ...base, upstreamStatus: 200 }, 0, 1234.567, true],
    ['an answer the facade cut', { ...base, upstreamStatus: 200, cut: true }, 200, 7, true],
    ['a route with characters JSON escapes', { ...base, route: 'GET /v1/rooms/{room_id}/"quoted"\\é\u2028' }, 404, 1e-3, false],
    ['a made-up id and an unmatched route', { ...base, id: '0b6f0e4e-3a1f-4c43-9d3c-2e0f5d8e7c11', route: 'unmatched' }, 404, 0, false],
  ];
  for (const [what, record, status, durationMs, incomplete] of cases) {
    it(`${what}: what pino writes`, () => {
      const fields = {
        request_id: record.id,
        method: record.method,
        route: record.route,
        status,
        duration_ms: durationMs,
        ...(record.upstreamStatus !== undefined ? { upstream_status: record.upstreamStatus } : {}),
        ...(record.cache ? { cache: record.cache } : {}),
        ...(record.rejection ? { rejected: record.rejection } : {}),
        ...(incomplete ? (record.cut ? { cut: true } : { aborted: true }) : {}),
      };
      expect(requestLine(',"service":"synapse-admin-facade"', 1_764_736_000_000, record, status, durationMs, incomplete)).toBe(byPino(fields, 1_764_736_000_000));
    });
  }

  it("a child logger's bindings come after the service, as pino writes them", () => {
    const record = { ...base, cache: 'hit' };
    const prefix = ',"service":"synapse-admin-facade","facade":"b"';
    const fields = { request_id: record.id, method: 'GET', route: record.route, status: 200, duration_ms: 1, cache: 'hit' };
    expect(requestLine(prefix, 5, record, 200, 1, false)).toBe(byPino(fields, 5, { facade: 'b' }));
  });
});
