// Mutations: sent at most once, identical concurrent calls coalesced, the cache invalidated, every
// outcome in the audit log.
import { createHash } from 'node:crypto';
import { tokenFingerprint } from '../internal/token-hash.ts';
import type { FacadeContext, UpstreamAnswer } from './context.ts';
import type { OwnedRoute, ValidatedRequest } from './owned-route.ts';
import { JSON_HEADERS } from './respond.ts';

/** Who asked: the verified admin's user ID when the gate knows it, and the token (never logged). */
export interface Caller {
  token: string;
  adminUserId: string | undefined;
}

/** One mutation to send. */
export interface Mutation {
  route: OwnedRoute;
  request: ValidatedRequest;
  caller: Caller;
  target: string;
  forwardBody: Buffer | null;
  send: () => Promise<UpstreamAnswer>;
}

/**
 * Sends a mutation at most once. Identical concurrent calls of a coalescing route (same caller, target
 * and body bytes) share one upstream call and its answer. One audit line per caller.
 */
export async function sendMutation(context: FacadeContext, mutation: Mutation): Promise<UpstreamAnswer> {
  const { route, request, caller } = mutation;
  const startedAt = Date.now();
  if (request.answer) {
    writeAuditLine(context, mutation, { startedAt, upstreamStatus: null });
    return { status: request.answer.status, headers: { ...JSON_HEADERS }, body: Buffer.from(JSON.stringify(request.answer.body)), shareable: false };
  }
  const key = `${route.name}:${createHash('sha256').update(caller.token).update('\0').update(mutation.target).update('\0').update(mutation.forwardBody ?? '').digest('hex')}`;
  const inFlight = route.mutation?.coalesce ? context.inFlightMutations.get(key) : undefined;
  // What the mutation makes stale is dropped inside `send`, before any caller sees the answer.
  const call = inFlight ?? mutation.send().finally(() => context.inFlightMutations.delete(key));
  if (!inFlight && route.mutation?.coalesce) context.inFlightMutations.set(key, call);
  try {
    const answer = await call;
    writeAuditLine(context, mutation, { startedAt, upstreamStatus: answer.status, responseBody: answer.body, coalesced: inFlight !== undefined });
    return answer;
  } catch (error) {
    writeAuditLine(context, mutation, { startedAt, upstreamStatus: null, coalesced: inFlight !== undefined, error: (error as Error).message });
    throw error;
  }
}

/** How one mutation ended, for its audit line. */
interface Outcome {
  startedAt: number;
  upstreamStatus: number | null;
  responseBody?: Buffer;
  coalesced?: boolean;
  error?: string;
}

/** The `delete_id` of a v2 delete answer, if there is one. */
function deleteIdOf(body: Buffer | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { delete_id?: unknown };
    return typeof parsed.delete_id === 'string' ? parsed.delete_id : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the one structured audit line of a mutation: the admin's user ID, or a token fingerprint. */
function writeAuditLine(context: FacadeContext, { route, request, caller }: Mutation, outcome: Outcome): void {
  const deleteId = outcome.upstreamStatus === 200 ? deleteIdOf(outcome.responseBody) : undefined;
  const admin = caller.adminUserId ? { user_id: caller.adminUserId } : { token_fingerprint: tokenFingerprint(caller.token) };
  context.logger.info(
    {
      audit: {
        admin,
        method: route.method,
        route: route.name,
        ...request.audit,
        upstream_status: outcome.upstreamStatus,
        duration_ms: Date.now() - outcome.startedAt,
        ...(deleteId ? { delete_id: deleteId } : {}),
        ...(outcome.coalesced ? { coalesced: true } : {}),
        ...(outcome.error ? { error: outcome.error } : {}),
      },
    },
    'admin mutation',
  );
}
