// Synapse-style routing for msw: regexes on the raw percent-encoded path, unquoted groups, auth first, errors rendered.
import { http } from 'msw';
import type { HttpHandler } from 'msw';
import type { MockState } from '../data.ts';
import type { QueryArgs } from './query.ts';
import type { Requester } from './auth.ts';
import { parseQuery } from './query.ts';
import { unquote } from './percent.ts';
import { authenticate, authenticateAdmin } from './auth.ts';
import { MatrixError, errorResponse, internalServerError, jsonResponse } from './respond.ts';
import { advanceDeleteTasks } from '../data/delete-task-runner.ts';

/** The header through which the mock's server hands the raw request target to its handlers (never a client's). */
export const RAW_TARGET_HEADER = 'x-mock-raw-target';

/** What a route handler receives. */
export interface RouteContext {
  request: Request;
  /** Path groups after Python-style `unquote`. */
  params: string[];
  query: QueryArgs;
  state: MockState;
  /** Authenticated caller; a dummy for `auth: 'none'` routes. */
  requester: Requester;
  nowMs: number;
}

/** One servlet: the methods it serves on a raw-path regex. */
export interface Route {
  methods: readonly string[];
  /** Anchored regex over the raw path, e.g. `^/_synapse/admin/v1/rooms/([^/]*)$`. */
  pattern: RegExp;
  auth: 'admin' | 'user' | 'none';
  /** Returns a Response, or a JSON body sent with 200. */
  handle(context: RouteContext): unknown;
}

/**
 * The request target exactly as it arrived (server.ts passes it on in {@link RAW_TARGET_HEADER}): Twisted never
 * normalises a path, so `..` or `%2E%2E` reach the servlet as the ID, and `#` is an ordinary character.
 */
const rawTarget = (request: Request): string => request.headers.get(RAW_TARGET_HEADER) ?? new URL(request.url).pathname;
const rawPath = (request: Request): string => rawTarget(request).split('?')[0] ?? '';
const rawQuery = (request: Request): string => rawTarget(request).split('?').slice(1).join('?');
/** Synapse treats HEAD as GET. */
const effectiveMethod = (request: Request): string => (request.method === 'HEAD' ? 'GET' : request.method);

/** Converts a route into an msw handler (any origin); the route only matches its own methods. */
export function routeHandler(state: MockState, route: Route): HttpHandler {
  return http.all(
    ({ request }) => route.methods.includes(effectiveMethod(request)) && route.pattern.test(rawPath(request)),
    async ({ request }) => {
      const match = route.pattern.exec(rawPath(request));
      const params = (match ?? []).slice(1).map((group) => unquote(group ?? ''));
      const query = parseQuery(rawQuery(request));
      const nowMs = state.clock();
      try {
        advanceDeleteTasks(state, nowMs);
        const requester = route.auth === 'admin' ? authenticateAdmin(state, request, query)
          : route.auth === 'user' ? authenticate(state, request, query)
            : { userId: '', deviceId: '', accessToken: '' };
        const result = await route.handle({ request, params, query, state, requester, nowMs });
        return result instanceof Response ? result : jsonResponse(result);
      } catch (error) {
        return errorResponse(error instanceof MatrixError ? error : internalServerError());
      }
    },
  );
}

/** Last handler: 405 when another method of a known path would match, else 404 (both before auth). */
export function unrecognizedHandler(routes: readonly Route[]): HttpHandler {
  return http.all('*', ({ request }) => {
    const path = rawPath(request);
    const known = routes.some((route) => route.pattern.test(path));
    return errorResponse(new MatrixError(known ? 405 : 404, 'M_UNRECOGNIZED', 'Unrecognized request'));
  });
}
