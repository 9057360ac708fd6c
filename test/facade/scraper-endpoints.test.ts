// /_facade/metrics and /_facade/ready are for scrapers and orchestrators: no CORS headers, an optional
// METRICS_TOKEN, and bounded work however often they are called (issue 10 #1 and #9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replyJson, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.ts';
import { FAKE_UPSTREAM, startTestFacade, type TestFacade } from '../support/facade.ts';

const METRICS_TOKEN = 'scrape-secret-7f3a';
let upstream: FakeUpstream;
let open: TestFacade;
let guarded: TestFacade;

beforeAll(async () => {
  upstream = await startFakeUpstream(async (seen, response) => {
    // Synapse's /health is plain text; slow enough for concurrent readiness calls to overlap.
    await new Promise((resolve) => setTimeout(resolve, 300));
    if (seen.url === '/health') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('OK');
    } else replyJson(response, 200, { ok: true });
  });
  open = await startTestFacade(upstream.url, FAKE_UPSTREAM);
  guarded = await startTestFacade(upstream.url, { ...FAKE_UPSTREAM, metricsToken: METRICS_TOKEN });
});
afterAll(async () => {
  await open.close();
  await guarded.close();
  await upstream.close();
});

describe('issue 10 #9: /_facade/metrics is readable from any web origin', () => {
  it('metrics and ready carry no CORS headers; the other facade endpoints and Synapse paths keep them', async () => {
    for (const path of ['/_facade/metrics', '/_facade/ready']) {
      const answer = await fetch(`${open.url}${path}`, { headers: { origin: 'https://evil.example' } });
      expect(answer.status).toBe(200);
      expect([...answer.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
    for (const path of ['/_facade/health', '/_facade/openapi.json', '/_facade/docs', '/_matrix/client/versions']) {
      expect((await fetch(`${open.url}${path}`)).headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('with METRICS_TOKEN, metrics and ready need it as a bearer token: Matrix 401s otherwise', async () => {
    for (const path of ['/_facade/metrics', '/_facade/ready']) {
      const missing = await fetch(`${guarded.url}${path}`);
      expect(missing.status).toBe(401);
      expect(await missing.json()).toEqual({ errcode: 'M_MISSING_TOKEN', error: 'Missing access token' });
      expect(missing.headers.get('access-control-allow-origin')).toBeNull();
      for (const authorization of [`Bearer ${METRICS_TOKEN}x`, 'Bearer scrape', `Basic ${METRICS_TOKEN}`, `bearer ${METRICS_TOKEN}`]) {
        const wrong = await fetch(`${guarded.url}${path}`, { headers: { authorization } });
        expect(wrong.status).toBe(401);
        expect(((await wrong.json()) as { errcode: string }).errcode).toBe(authorization.startsWith('Bearer ') ? 'M_UNKNOWN_TOKEN' : 'M_MISSING_TOKEN');
      }
      expect((await fetch(`${guarded.url}${path}`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
    }
    // Health stays open (Docker's HEALTHCHECK has no token), and the token never reaches the logs.
    expect((await fetch(`${guarded.url}/_facade/health`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(guarded.logLines.join('\n')).not.toContain('scrape-secret');
  });
});

describe('issue 10 #1: memory under pipelining (bounded work on the facade endpoints)', () => {
  it('builds the metrics text at most once a second; concurrent scrapes share one build', async () => {
    const registry = open.context.metrics.registry;
    const build = registry.metrics.bind(registry);
    let builds = 0;
    registry.metrics = () => {
      builds++;
      return build();
    };
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const texts = await Promise.all(Array.from({ length: 20 }, () => fetch(`${open.url}/_facade/metrics`).then((answer) => answer.text())));
    expect(builds).toBe(1);
    expect(new Set(texts).size).toBe(1);
    await fetch(`${open.url}/_facade/metrics`).then((answer) => answer.text());
    expect(builds).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const later = await fetch(`${open.url}/_facade/metrics`).then((answer) => answer.text());
    expect(builds).toBe(2);
    expect(later).not.toBe(texts[0]);
  });

  it('readiness asks Synapse at most once at a time: concurrent calls share the check in flight', async () => {
    upstream.requests.length = 0;
    const answers = await Promise.all(Array.from({ length: 25 }, () => fetch(`${open.url}/_facade/ready`)));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(upstream.requests.filter((seen) => seen.url === '/health')).toHaveLength(1);
    // Once it has ended, the next call checks again.
    expect((await fetch(`${open.url}/_facade/ready`)).status).toBe(200);
    expect(upstream.requests.filter((seen) => seen.url === '/health')).toHaveLength(2);
  });
});
