// The facade's own endpoints under /_facade/ (never a Synapse path): health, readiness.
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { FacadeContext } from '../pipeline/context.ts';
import { CORS_HEADERS } from '../pipeline/respond.ts';

/** How long readiness waits for Synapse's /health, milliseconds. */
export const READY_TIMEOUT_MS = 2_000;

/** Mounts /_facade/health (the process is alive) and /_facade/ready (Synapse answers its /health). */
export function facadeEndpoints(context: FacadeContext) {
  const endpoints = new Hono<{ Bindings: HttpBindings }>();
  endpoints.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(CORS_HEADERS)) c.res.headers.set(name, value);
  });

  endpoints.get('/health', (c) => c.json({ status: 'ok' }));

  endpoints.get('/ready', async (c) => {
    const startedAt = Date.now();
    try {
      const response = await context.upstream.request({
        method: 'GET',
        path: '/health',
        headers: {},
        signal: AbortSignal.timeout(READY_TIMEOUT_MS),
        headersTimeoutMs: READY_TIMEOUT_MS,
      });
      const body = (await context.upstream.readBody(response)).toString('utf8').trim();
      if (response.statusCode === 200) return c.json({ status: 'ready', synapse: body, latency_ms: Date.now() - startedAt });
      return c.json({ status: 'not ready', reason: `Synapse /health answered ${response.statusCode}` }, 503);
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? `Synapse /health did not answer within ${READY_TIMEOUT_MS} ms` : (error as Error).message;
      return c.json({ status: 'not ready', reason }, 503);
    }
  });

  return endpoints;
}
