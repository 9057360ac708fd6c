// The facade's own API under /_facade/v1: Hono routes built from their declarations, each behind the admin
// gate, with path, query and body validated by their Zod schemas into Matrix errors.
import { Hono, type MiddlewareHandler } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { FacadeError } from '../../errors.ts';
import type { FacadeContext } from '../../pipeline/context.ts';
import { readBoundedBody } from '../../pipeline/request-body.ts';
import { adminOnly } from './admin-only.ts';
import type { FacadeApi, FacadeApiEnv } from './declare.ts';

/** `/_facade/v1/jobs/{job_id}` → `/jobs/:job_id` (relative to the router's mount point). */
export const honoPathOf = (path: string): string => path.slice('/_facade/v1'.length).replace(/\{([^}]+)\}/g, ':$1');

/** The first issue of a failed parse as a Matrix error: a missing value, or a bad one, named by where it was. */
function inputError(where: 'path' | 'query' | 'body', error: z.ZodError): FacadeError {
  const issue = error.issues[0]!;
  const name = issue.path.map(String).join('.');
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  if (where === 'body') return new FacadeError(400, missing ? 'M_MISSING_PARAM' : 'M_BAD_JSON', name ? `Invalid body field '${name}': ${issue.message}` : issue.message);
  if (missing) return new FacadeError(400, 'M_MISSING_PARAM', `Missing ${where} parameter '${name}'`);
  return new FacadeError(400, 'M_INVALID_PARAM', name ? `Invalid ${where} parameter '${name}': ${issue.message}` : issue.message);
}

function parseInput<T>(schema: z.ZodType<T>, where: 'path' | 'query' | 'body', value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw inputError(where, result.error);
  return result.data;
}

/** Query values, one per name: a repeated name is refused rather than one of its values silently picked. */
function singleValues(queries: Record<string, string[]>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, list] of Object.entries(queries)) {
    if (list.length > 1) throw new FacadeError(400, 'M_INVALID_PARAM', `Query parameter '${name}' is given more than once`);
    values[name] = list[0]!;
  }
  return values;
}

/** Reads the JSON body within MAX_BODY_BYTES or the API's own larger bound (413 beyond), then validates it. */
function jsonBody(context: FacadeContext, schema: z.ZodType, maxBodyBytes = 0): MiddlewareHandler<FacadeApiEnv> {
  // Not hono/validator's 'json' target: given a JSON Content-Type it reads the whole body itself, unbounded and
  // before this check, leaving nothing here to read.
  return async (c, next) => {
    const bytes = await readBoundedBody(c.env.incoming, Math.max(context.config.maxBodyBytes, maxBodyBytes));
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new FacadeError(400, 'M_NOT_JSON', 'Content not JSON.');
    }
    c.req.addValidatedData('json', parseInput(schema, 'body', parsed) as object);
    await next();
  };
}

/**
 * Builds the router of `apis`. Every request under /_facade/v1 meets the admin gate first (as Synapse
 * authenticates before it reads parameters); an unknown path or method gets 404 M_UNRECOGNIZED and is
 * never passed on to Synapse.
 */
export function facadeApiRouter(context: FacadeContext, apis: readonly FacadeApi[]): Hono<FacadeApiEnv> {
  const router = new Hono<FacadeApiEnv>();
  router.use('*', adminOnly(context));
  for (const api of apis) {
    const middleware: MiddlewareHandler<FacadeApiEnv>[] = [];
    if (api.params) middleware.push(validator('param', (value) => parseInput(api.params!, 'path', value)) as MiddlewareHandler<FacadeApiEnv>);
    if (api.query) {
      const schema = api.query;
      middleware.push(validator('query', (_value, c) => parseInput(schema, 'query', singleValues(c.req.queries()))) as MiddlewareHandler<FacadeApiEnv>);
    }
    if (api.body) middleware.push(jsonBody(context, api.body, api.maxBodyBytes));
    const handler: MiddlewareHandler<FacadeApiEnv> = (c) => {
      // Typed per route by Hono's generics, which a list of declarations cannot carry: the targets are the ones validated above.
      const valid = (c.req.valid as (target: string) => unknown).bind(c.req);
      return Promise.resolve(api.handle(c, {
        params: api.params ? valid('param') : {},
        query: api.query ? valid('query') : {},
        body: api.body ? valid('json') : undefined,
        admin: c.get('admin'),
      }));
    };
    // Hono's typed overloads want a fixed number of handlers; the list here is built per declaration.
    router.on(api.method.toUpperCase(), honoPathOf(api.path), ...([...middleware, handler] as [MiddlewareHandler<FacadeApiEnv>]));
  }
  router.all('*', () => {
    throw new FacadeError(404, 'M_UNRECOGNIZED', 'Unrecognized request');
  });
  return router;
}
