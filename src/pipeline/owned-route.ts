// What a route file declares: Synapse's path pattern, request schemas, upstream target and response contract.
import type { z } from 'zod';
import type { QueryArgs } from '../internal/query.ts';

/** The validated request a route hands to the pipeline. */
export interface ValidatedRequest {
  /** Upstream path, each segment already encoded exactly once. */
  path: string;
  /** Upstream query pairs, in order; values are the validated values, encoded by the pipeline. */
  query: ReadonlyArray<readonly [string, string]>;
  /** Decoded path values the normaliser may need (e.g. the delete ID an old Synapse did not echo). */
  known?: Readonly<Record<string, string>>;
}

/** How a successful (200) Synapse answer is checked and normalised. */
export interface ResponseContract<Body> {
  /** What Synapse may send (every release we support); a body that does not fit is passed through untouched. */
  upstream: z.ZodType<Body>;
  /** Maps a fitting body to the documented contract; must keep unknown fields. */
  normalise(body: Body, request: ValidatedRequest): unknown;
}

/** Input of a route's `validate`: decoded path groups and Synapse-style query arguments. */
export interface RouteInput {
  params: Readonly<Record<string, string>>;
  args: QueryArgs;
}

/** One endpoint the facade owns. */
export interface OwnedRoute {
  /** Route template for logs and metrics, never containing raw IDs, e.g. `GET /v1/rooms/{room_id}/members`. */
  name: string;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Synapse's own regex, matched against the raw (still percent-encoded) path. */
  pattern: RegExp;
  /** Validates in Synapse's order and returns what goes upstream; throws FacadeError (after auth). */
  validate(input: RouteInput): ValidatedRequest;
  /**
   * Synapse checks that the object exists before it parses the query (e.g. destination rooms).
   * When validation fails, this upstream GET is asked first and a non-200 answer wins over the 400.
   */
  existenceCheckPath?: (params: Readonly<Record<string, string>>) => string;
  /** Query parameters to send twice-encoded because Synapse percent-decodes them twice (`filter`). */
  doubleEncoded?: readonly string[];
  response?: ResponseContract<never>;
}

/** Declares an owned route; keeps the response contract's body type checked against its normaliser. */
export function defineRoute<Body>(
  route: Omit<OwnedRoute, 'response'> & { response?: ResponseContract<Body> },
): OwnedRoute {
  return route as OwnedRoute;
}
