// Every answer carries the request id exactly once, whichever way it is written (issue 13: the id now goes out with
// the headers an answer is written with, not through setHeader beforehand, which sent every answer down Node's slow
// header path).
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ADMIN_TOKEN } from '../../src/mock/constants.ts';
import { ROOMS, useFacadeOverMock } from '../routes/support.ts';

const pair = useFacadeOverMock({}, { cacheMaxBytes: 1_000_000 });

/** The raw header lines of an answer (fetch would join repeated headers into one). */
function rawHeaders(method: string, path: string, headers: Record<string, string>): Promise<{ status: number; raw: string[]; cache?: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(`${pair.facade().url}${path}`, { method, headers }, (answer) => {
      answer.resume();
      answer.once('end', () => resolve({ status: answer.statusCode ?? 0, raw: answer.rawHeaders, cache: answer.headers['x-facade-cache'] as string | undefined }));
    });
    sent.once('error', reject);
    sent.end();
  });
}

describe('issue 13: the request id on every kind of answer', () => {
  const admin = { authorization: `Bearer ${DEFAULT_ADMIN_TOKEN}` };
  it.each([
    ['an owned route (a cache miss)', 'GET', `${ROOMS}?limit=2`, admin, 200, 'miss'],
    ['an owned route again (a cache hit)', 'GET', `${ROOMS}?limit=2`, admin, 200, 'hit'],
    ['a refused parameter', 'GET', `${ROOMS}?limit=-1`, admin, 400],
    ['a passed-through path', 'GET', '/_matrix/client/versions', {}, 200],
    ['a CORS preflight', 'OPTIONS', `${ROOMS}`, {}, 204],
    ['a facade endpoint', 'GET', '/_facade/health', {}, 200],
    ['an unknown facade path', 'GET', '/_facade/nothing-here', {}, 404],
  ])('%s', async (_title, method, path, headers, status, cache?: string) => {
    const answer = await rawHeaders(method, path, { ...headers, 'x-request-id': 'id-13' });
    expect(answer.status).toBe(status);
    if (cache) expect(answer.cache).toBe(cache);
    const values = answer.raw.filter((_value, i) => i % 2 === 1 && answer.raw[i - 1]!.toLowerCase() === 'x-request-id');
    expect(values).toEqual(['id-13']);
  });
});
