// /_facade/metrics: a scrape shows the series move as requests, rejections, faults and cache events happen.
import { describe, expect, it } from 'vitest';
import { BIG_ROOM_ID } from '../../src/mock/fixtures.ts';
import { startTestFacade } from '../support/facade.ts';
import { enc, getAs, ROOMS, useFacadeOverMock } from '../routes/support.ts';

const pair = useFacadeOverMock({}, { cacheMaxBytes: 1024 * 1024 });

/** Scrapes the facade and returns `series{labels} value` lines as a map. */
async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(`${url}/_facade/metrics`);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const series = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    series.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return series;
}

describe('Prometheus metrics', () => {
  it('counts requests by route template and status, never by raw ID', async () => {
    await getAs(pair.facade().url, `${ROOMS}/${enc(BIG_ROOM_ID)}`);
    await getAs(pair.facade().url, `${ROOMS}/${enc(BIG_ROOM_ID)}`);
    const series = await scrape(pair.facade().url);
    expect(series.get('facade_http_requests_total{route="GET /v1/rooms/{room_id}",method="GET",status="200"}')).toBe(2);
    expect([...series.keys()].some((name) => name.includes('lobby'))).toBe(false);
    expect(series.get('facade_cache_requests_total{result="miss"}')).toBe(1);
    expect(series.get('facade_cache_requests_total{result="hit"}')).toBe(1);
    expect(series.get('facade_cache_bytes')).toBeGreaterThan(0);
    expect(series.get('facade_upstream_request_duration_seconds_count{route="GET /v1/rooms/{room_id}",method="GET"}')).toBe(1);
    expect(series.get('facade_http_requests_in_flight')).toBe(1); // the scrape itself
  });

  it('counts validation rejections by route', async () => {
    const before = (await scrape(pair.facade().url)).get('facade_validation_rejections_total{route="GET /v1/rooms"}') ?? 0;
    await getAs(pair.facade().url, `${ROOMS}?limit=x`);
    await getAs(pair.facade().url, `${ROOMS}?dir=up`);
    // A scrape is built at most once a second (issue 10 #1): the next one is a fresh build only after that.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await scrape(pair.facade().url)).get('facade_validation_rejections_total{route="GET /v1/rooms"}')).toBe(before + 2);
  });

  it('counts upstream errors and timeouts', async () => {
    const orphan = await startTestFacade('http://127.0.0.1:9', { verifyAdmins: false });
    await getAs(orphan.url, `${ROOMS}`);
    await fetch(`${orphan.url}/_matrix/client/versions`);
    const series = await scrape(orphan.url);
    await orphan.close();
    expect(series.get('facade_upstream_errors_total{route="GET /v1/rooms",kind="unreachable"}')).toBe(1);
    expect(series.get('facade_upstream_errors_total{route="pass-through",kind="unreachable"}')).toBe(1);
    expect(series.get('facade_http_requests_total{route="pass-through",method="GET",status="502"}')).toBe(1);
  });

  it('counts answers that did not fit their schema', async () => {
    const { startFakeUpstream, replyJson } = await import('../support/fake-upstream.ts');
    const fake = await startFakeUpstream((_seen, response) => replyJson(response, 200, { members: 'not a list' }));
    const facade = await startTestFacade(fake.url, { verifyAdmins: false });
    await getAs(facade.url, `${ROOMS}/!x:hs/members`);
    const series = await scrape(facade.url);
    await facade.close();
    await fake.close();
    expect(series.get('facade_schema_mismatches_total{route="GET /v1/rooms/{room_id}/members"}')).toBe(1);
  });
});
