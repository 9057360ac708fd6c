// Checking a 200 answer against its Zod contract and normalising it; a misfit passes through untouched.
import { jsonBytes } from '../internal/json-bytes.ts';
import type { FacadeContext } from './context.ts';
import type { OwnedRoute, ValidatedRequest } from './owned-route.ts';

/**
 * Normalises a 200 body. `fits` says whether it was JSON that fitted the route's upstream schema; a body
 * that does not fit is returned untouched and counted, and is never proof of anything nor cached.
 */
export function normaliseBody(context: FacadeContext, route: OwnedRoute, request: ValidatedRequest, body: Buffer): { body: Buffer; fits: boolean } {
  const contract = route.response;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    reportMismatch(context, route, 'body is not JSON');
    return { body, fits: false };
  }
  if (!contract) return { body, fits: parsed !== null && typeof parsed === 'object' };
  const checked = contract.upstream.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    reportMismatch(context, route, `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    return { body, fits: false };
  }
  // The parsed value, not Zod's output: Zod strips unknown keys, and newer Synapse fields must survive.
  return { body: jsonBytes(contract.normalise(parsed as never, request)), fits: true };
}

/** Counts a schema mismatch and logs it once per route. */
function reportMismatch(context: FacadeContext, route: OwnedRoute, what: string): void {
  const seen = context.schemaMismatches.get(route.name) ?? 0;
  context.schemaMismatches.set(route.name, seen + 1);
  context.metrics.schemaMismatches.inc({ route: route.name });
  if (seen === 0) {
    context.logger.warn({ route: route.name, mismatch: what }, 'Synapse response did not fit its schema; passed through unchanged');
  }
}
