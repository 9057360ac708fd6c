// Checking a 200 answer against its Zod contract and normalising it; a misfit passes through untouched.
import { isAscii } from 'node:buffer';
import { parseJsonExact } from '../internal/exact-json.ts';
import { fitOf } from './schema-fit.ts';
import { jsonBytes } from '../internal/json-bytes.ts';
import { topLevelAdditions, withMembersAppended } from '../internal/json-splice.ts';
import type { FacadeContext } from './context.ts';
import type { OwnedRoute, ValidatedRequest } from './owned-route.ts';

/**
 * Normalises a 200 body. `fits` says whether it was JSON that fitted the route's upstream schema; a body
 * that does not fit is returned untouched and counted, and is never proof of anything, never cached and
 * never handed to another caller. Numbers are written back exactly as Synapse wrote them (see exact-json.ts).
 */
export function normaliseBody(context: FacadeContext, route: OwnedRoute, request: ValidatedRequest, body: Buffer): { body: Buffer; fits: boolean } {
  const answer = normalisedAnswer(route, request, body);
  if (answer.mismatch !== undefined) reportMismatch(context, route, body, answer.mismatch);
  return answer;
}

/**
 * The steps of `normaliseBody` without the context: decode, parse (`parse`, exact numbers unless a caller such as
 * the bench compares another parser), check, normalise, serialise. `mismatch` says why a body with a contract did
 * not fit, for the log line.
 */
export function normalisedAnswer(
  route: OwnedRoute,
  request: ValidatedRequest,
  body: Buffer,
  parse: (text: string) => unknown = parseJsonExact,
): { body: Buffer; fits: boolean; mismatch?: string } {
  const contract = route.response;
  // Synapse writes ASCII (non-ASCII characters escaped): such bytes decode faster as latin1, to the same text.
  const ascii = isAscii(body);
  let parsed: unknown;
  try {
    parsed = parse(body.toString(ascii ? 'latin1' : 'utf8'));
  } catch {
    return { body, fits: false, mismatch: 'body is not JSON' };
  }
  if (!contract) return { body, fits: parsed !== null && typeof parsed === 'object' };
  if (!fitOf(contract.upstream)(parsed)) {
    // Zod's own parse, only now, for the issue the log line names.
    const issue = contract.upstream.safeParse(parsed).error?.issues[0];
    return { body, fits: false, mismatch: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  // The parsed value, not Zod's output: Zod strips unknown keys, and newer Synapse fields must survive.
  const normalised = contract.normalise(parsed as never, request);
  // Synapse's own bytes when normalising only added top-level members (a page's `next_token`), the usual case with
  // a current Synapse: the same JSON value without serialising it again. Non-ASCII bodies are serialised, so that
  // every answer escapes as Synapse's do.
  const added = ascii ? topLevelAdditions(parsed, normalised) : undefined;
  return { body: added ? withMembersAppended(body, added) : jsonBytes(normalised), fits: true };
}

/** Counts every schema mismatch; logs each one while the route's log budget lasts, then says how many it held back. */
function reportMismatch(context: FacadeContext, route: OwnedRoute, body: Buffer, what: string): void {
  const count = (context.schemaMismatches.get(route.name) ?? 0) + 1;
  context.schemaMismatches.set(route.name, count);
  context.metrics.schemaMismatches.inc({ route: route.name });
  const decision = context.mismatchLog.take(route.name);
  if (!decision.write) return;
  // The Zod path and message only: never the body, which may hold anything Synapse put there.
  context.logger.warn(
    { route: route.name, mismatch: what, body_bytes: body.length, mismatches_total: count, ...(decision.suppressed ? { suppressed: decision.suppressed } : {}) },
    'Synapse response did not fit its schema; passed through unchanged, not cached',
  );
}
