// Owned GETs are checked once per request target: Synapse's checks of a GET are a function of its raw path and
// query alone, so a target already accepted is not parsed and validated again on every cache hit.
import { LRUCache } from 'lru-cache';
import type { OwnedRoute, ValidatedRequest } from './owned-route.ts';

/** What validating a GET target produced: the validated request, its canonical target, and what is sent upstream. */
export interface ValidatedTarget {
  readonly request: ValidatedRequest;
  readonly canonical: string;
  readonly target: string;
}

/** Longer targets are validated every time (a handful of long URLs must not pin much memory). */
const MAX_REMEMBERED_TARGET = 1_024;
/** Targets remembered per route, least recently used dropped first. */
const MAX_REMEMBERED_PER_ROUTE = 512;

const remembered = new WeakMap<OwnedRoute, LRUCache<string, ValidatedTarget>>();

/** Whether `route` and `rawTarget` may be remembered: a GET without a body, a target of bounded length. */
const rememberable = (route: OwnedRoute, rawTarget: string): boolean =>
  route.method === 'GET' && route.body === undefined && rawTarget.length <= MAX_REMEMBERED_TARGET;

/** The earlier validation of this exact raw target (path and query as the client sent them), if remembered. */
export function validatedBefore(route: OwnedRoute, rawTarget: string): ValidatedTarget | undefined {
  return remembered.get(route)?.get(rawTarget);
}

/**
 * Remembers an accepted target. Only a validation that read nothing but the target (no probe, no server name) may
 * be remembered: its result cannot depend on anything else, so it holds for every facade in the process.
 */
export function rememberValidated(route: OwnedRoute, rawTarget: string, validated: ValidatedTarget): void {
  if (!rememberable(route, rawTarget)) return;
  let targets = remembered.get(route);
  if (targets === undefined) {
    targets = new LRUCache({ max: MAX_REMEMBERED_PER_ROUTE });
    remembered.set(route, targets);
  }
  targets.set(rawTarget, Object.freeze(validated));
}
