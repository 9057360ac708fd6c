// What a route file declares: Synapse's path pattern, request checks, upstream target and response contract.
import type { z } from 'zod';
import type { JsonObject } from '../../schemas/json-body.ts';
import type { QueryArgs } from '../internal/query.ts';
import type { CacheGroup } from '../protection/response-cache.ts';

/** The validated request a route hands to the pipeline. */
export interface ValidatedRequest {
  /** Upstream path after `/_synapse/admin`, each segment already encoded exactly once. */
  path: string;
  /** Upstream query pairs, in order; values are the validated values, encoded by the pipeline. */
  query: ReadonlyArray<readonly [string, string]>;
  /** Decoded path values the normaliser may need (e.g. the delete ID an old Synapse did not echo). */
  known?: Readonly<Record<string, string>>;
  /** Set when the facade answers itself without calling Synapse (e.g. nothing to delete). */
  answer?: { status: number; body: unknown };
  /** What the audit line records about this mutation (IDs and body fields, never tokens). */
  audit?: Readonly<Record<string, unknown>>;
}

/** How a successful (200) Synapse answer is checked and normalised. */
export interface ResponseContract<Body, Out = unknown> {
  /** What Synapse may send (every release we support); a body that does not fit is passed through untouched. */
  upstream: z.ZodType<Body>;
  /**
   * What the facade answers: the documented contract, and the 200 schema of the OpenAPI document.
   * Never parsed at run time; `normalise` is type-checked against it, and a unit test checks it on samples.
   */
  out: z.ZodType<Out>;
  /** Maps a fitting body to the documented contract (`out`); must keep unknown fields. */
  normalise(body: Body, request: ValidatedRequest): NoInfer<Out>;
}

/** The contract of a route whose 200 answer is sent on as Synapse sent it: `out` is the upstream schema. */
export function responseAsSent<Body>(schema: z.ZodType<Body>): ResponseContract<Body, Body> {
  return { upstream: schema, out: schema, normalise: (body) => body };
}

/** An upstream GET made on the caller's behalf (same credentials), answered with status and JSON. */
export type Probe = (path: string) => Promise<{ status: number; body: unknown }>;

/** Input of a route's `validate`. */
export interface RouteInput {
  /** Decoded path groups. */
  params: Readonly<Record<string, string>>;
  /** Synapse-style query arguments. */
  args: QueryArgs;
  /** The parsed JSON body, for routes that read one. */
  body: JsonObject;
  /** Asks Synapse a read-only question with the caller's credentials. */
  probe: Probe;
  /** Synapse's server_name (from config, or learnt once from the caller's whoami). */
  serverName(): Promise<string>;
}

/** How a route reads its request body, as Synapse's servlet does. */
export type BodyPolicy =
  /** `parse_json_object_from_request(request)`: an empty body is "Content not JSON.". */
  | 'object'
  /** `allow_empty_body=True`: empty means `{}`. */
  | 'optional-object'
  /** Never read by Synapse: size-checked, then not forwarded. */
  | 'ignored';

/** How a mutation is sent and recorded. */
export interface MutationPolicy {
  longRunning?: boolean;
  coalesce?: boolean;
  /** The audit trail's name for it (`room.block`…), or how to tell it from the validated request. */
  action: string | ((request: ValidatedRequest) => string);
  /** A room delete: the store tracks it (v1: its outcome at once; v2: its task until final). */
  roomDelete?: 'v1' | 'v2';
}

/** One endpoint the facade owns. */
export interface OwnedRoute {
  /** Route template for logs and metrics, never containing raw IDs, e.g. `GET /v1/rooms/{room_id}/members`. */
  name: string;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** One line for the OpenAPI document and the docs page. */
  summary?: string;
  /** The query-parameter shape `validate` parses (from `schemas/`), so the OpenAPI document lists the same parameters. */
  query?: z.ZodRawShape;
  /** Synapse's own regex, matched against the raw (still percent-encoded) path. */
  pattern: RegExp;
  /** Validates in Synapse's order and returns what goes upstream; throws FacadeError (after auth). */
  validate(input: RouteInput): ValidatedRequest | Promise<ValidatedRequest>;
  /**
   * Synapse checks that the object exists before it parses the query (e.g. destination rooms).
   * When validation fails, this upstream GET is asked first and a non-200 answer wins over the 400;
   * undefined when the facade already knows the answer (a dot segment) and must not send the path.
   */
  existenceCheckPath?: (params: Readonly<Record<string, string>>) => string | undefined;
  /** Query parameters Synapse percent-decodes twice (`filter`), encoded so both decodings give the validated value. */
  doubleEncoded?: readonly string[];
  /** Request body handling; absent for GET routes. */
  body?: BodyPolicy;
  /** The schema `validate` checks the body with, so the OpenAPI document describes the same body. */
  bodySchema?: z.ZodType;
  /**
   * Mutations: sent upstream at most once, never aborted when the client leaves, written to the audit log.
   * `longRunning` uses UPSTREAM_LONG_TIMEOUT_MS; `coalesce` makes identical concurrent calls share one.
   */
  mutation?: MutationPolicy;
  response?: ResponseContract<never>;
  /** GETs: the cache TTL group; absent means never cached (messages, context, timestamp_to_event). */
  cache?: CacheGroup;
  /** The answer is a delete status (one task or `{ results }`): served so that it never goes backwards. */
  deleteStatus?: boolean;
}

/** Declares an owned route; checks its normaliser against both the upstream and the output schema. */
export function defineRoute<Body, Out>(
  route: Omit<OwnedRoute, 'response'> & { response?: ResponseContract<Body, Out> },
): OwnedRoute {
  return route as OwnedRoute;
}
