// How a /_facade/v1 endpoint is declared: its method, path, Zod schemas and statuses (the OpenAPI document is
// built from these), and the handler that runs once the admin is verified and the input validated.
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { z } from 'zod';

/** The verified admin a facade API request runs for. The token is kept for work done on their behalf, never logged. */
export interface AdminCaller {
  userId: string;
  token: string;
}

/** Hono environment of the facade APIs. */
export interface FacadeApiEnv {
  Bindings: HttpBindings;
  Variables: { admin: AdminCaller };
}

/** The validated input a handler receives. */
export interface FacadeApiInput<Params, Query, Body> {
  params: Params;
  query: Query;
  body: Body;
  admin: AdminCaller;
}

/** Every status other than the success one an operation may answer (each with a Matrix error body). */
export type FacadeApiErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 431 | 502 | 503 | 504;

/** One endpoint under /_facade/v1. */
export interface FacadeApi<Params = unknown, Query = unknown, Body = unknown> {
  method: 'get' | 'post';
  /** OpenAPI-style path, `{name}` for path parameters, e.g. `/_facade/v1/jobs/{job_id}`. */
  path: `/_facade/v1/${string}`;
  summary: string;
  description: string;
  tag: string;
  params?: z.ZodType<Params>;
  query?: z.ZodType<Query>;
  body?: z.ZodType<Body>;
  /** Largest body accepted, bytes, when it may exceed MAX_BODY_BYTES (the larger of the two applies). */
  maxBodyBytes?: number;
  /** The JSON of the success answer. */
  response: z.ZodType;
  /** Success status (default 200). */
  status?: 200 | 201 | 202;
  /** Another success status the operation may answer with the same schema (e.g. 202 for a started job). */
  alsoStatus?: 200 | 201 | 202;
  /** An alternative newline-delimited JSON answer (e.g. `format=ndjson`): when it is chosen, and one line's schema. */
  ndjson?: { when: string; line: z.ZodType };
  /** An alternative CSV answer (an export): when it is chosen, and what its rows hold. */
  csv?: { when: string; description: string };
  /** Statuses besides 401/403/431/502/503/504, which every operation may answer (HTTP layer, verification, store). */
  errors: readonly FacadeApiErrorStatus[];
  handle(c: Context<FacadeApiEnv>, input: FacadeApiInput<Params, Query, Body>): Response | Promise<Response>;
}

/** Declares an endpoint with its types inferred from its schemas. */
export function defineFacadeApi<Params = Record<string, never>, Query = Record<string, never>, Body = undefined>(
  api: FacadeApi<Params, Query, Body>,
): FacadeApi {
  return api as unknown as FacadeApi;
}
