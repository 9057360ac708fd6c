// Mutations: sent at most once, identical concurrent calls coalesced, the cache invalidated, every
// outcome in the audit log.
import { createHash } from 'node:crypto';
import { FacadeError } from '../errors.ts';
import { tokenFingerprint } from '../internal/token-hash.ts';
import { auditActor, writeAudit } from './audit-trail.ts';
import type { FacadeContext, UpstreamAnswer } from './context.ts';
import { jsonObjectOf } from '../internal/exact-json.ts';
import { recordDeleteSent } from './delete-tracking.ts';
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
  /** The request's id (X-Request-Id), for the audit row. */
  requestId?: string;
  send: () => Promise<UpstreamAnswer>;
}

/**
 * Sends a mutation at most once. Identical concurrent calls of a coalescing route (same caller, target
 * and body bytes) share one upstream call and its answer. One audit line per caller. A stop waits for it until its
 * row is written, even when the client was cut.
 */
export function sendMutation(context: FacadeContext, mutation: Mutation): Promise<UpstreamAnswer> {
  return context.audits.track(sendAndRecord(context, mutation));
}

async function sendAndRecord(context: FacadeContext, mutation: Mutation): Promise<UpstreamAnswer> {
  const { route, request, caller } = mutation;
  const startedAt = Date.now();
  if (request.answer) {
    await recordMutation(context, mutation, { startedAt, upstreamStatus: null, clientStatus: request.answer.status });
    return { status: request.answer.status, headers: { ...JSON_HEADERS }, body: Buffer.from(JSON.stringify(request.answer.body)), shareable: false };
  }
  const key = `${route.name}:${createHash('sha256').update(caller.token).update('\0').update(mutation.target).update('\0').update(mutation.forwardBody ?? '').digest('hex')}`;
  const inFlight = route.mutation?.coalesce ? context.inFlightMutations.get(key) : undefined;
  // What the mutation makes stale is dropped inside `send`, before any caller sees the answer.
  const call = inFlight ?? mutation.send().finally(() => context.inFlightMutations.delete(key));
  if (!inFlight && route.mutation?.coalesce) context.inFlightMutations.set(key, call);
  const coalesced = inFlight !== undefined;
  try {
    const answer = await call;
    await recordMutation(context, mutation, { startedAt, upstreamStatus: answer.status, clientStatus: answer.status, responseBody: answer.body, coalesced });
    return answer;
  } catch (error) {
    const clientStatus = error instanceof FacadeError ? error.status : 500;
    await recordMutation(context, mutation, { startedAt, upstreamStatus: null, clientStatus, coalesced, error: (error as Error).message });
    throw error;
  }
}

/** The audit actions that set a room's block flag. */
const BLOCK_ACTIONS: ReadonlySet<string> = new Set(['room.block', 'room.unblock']);

/** Sets the index's block flag of a room after Synapse applied a block or unblock; never throws (the store's hook counts it). */
export async function indexRoomBlocked(context: FacadeContext, roomId: string, blocked: boolean): Promise<void> {
  try {
    await context.store.setRoomBlocked(roomId, blocked);
  } catch {
    // Counted by the store's hook; the flag stays as it was.
  }
}

/** How one mutation ended, for its audit line. */
interface Outcome {
  startedAt: number;
  upstreamStatus: number | null;
  /** What the client gets: Synapse's status, the facade's own answer's, or the facade's error status. */
  clientStatus: number;
  responseBody?: Buffer;
  coalesced?: boolean;
  error?: string;
}

/**
 * Records one caller's mutation: the room delete it started (once per upstream call, not per coalesced
 * caller), its audit row in the store and its structured log line. Never throws.
 */
async function recordMutation(context: FacadeContext, mutation: Mutation, outcome: Outcome): Promise<void> {
  const { route, request, caller } = mutation;
  const admin = auditActor(caller.adminUserId, caller.token);
  const roomId = typeof request.audit?.room_id === 'string' ? request.audit.room_id : null;
  const roomDelete = route.mutation?.roomDelete;
  let deleteId = roomDelete === 'v2' && outcome.upstreamStatus === 200 ? jsonObjectOf(outcome.responseBody)?.delete_id : undefined;
  if (roomDelete && roomId && !outcome.coalesced && !request.answer) {
    const flags = (request.audit?.body as Record<string, unknown> | undefined) ?? {};
    const sent = { api: roomDelete, roomId, admin, startedAt: outcome.startedAt, flags, status: outcome.upstreamStatus, body: outcome.responseBody, error: outcome.error, token: caller.token };
    deleteId = (await recordDeleteSent(context, sent)) ?? deleteId;
  }
  const { room_id: _roomId, ...fields } = request.audit ?? {};
  const declared = route.mutation?.action ?? route.name;
  const action = typeof declared === 'function' ? declared(request) : declared;
  // Once per upstream call: the index learns the block flag Synapse just accepted.
  if (roomId && outcome.upstreamStatus === 200 && !outcome.coalesced && BLOCK_ACTIONS.has(action)) await indexRoomBlocked(context, roomId, action === 'room.block');
  await writeAudit(context, {
    at: outcome.startedAt,
    kind: 'owned',
    action,
    method: route.method,
    path: `/_synapse/admin${request.path}`,
    roomId,
    admin,
    status: outcome.clientStatus,
    durationMs: Date.now() - outcome.startedAt,
    requestId: mutation.requestId ?? null,
    details: {
      route: route.name,
      ...(roomDelete ? { api: roomDelete } : {}),
      ...fields,
      upstream_status: outcome.upstreamStatus,
      ...(typeof deleteId === 'string' ? { delete_id: deleteId } : {}),
      ...(outcome.coalesced ? { coalesced: true } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    },
  });
  writeAuditLine(context, mutation, outcome, typeof deleteId === 'string' ? deleteId : undefined);
}

/** Writes the one structured audit line of a mutation: the admin's user ID, or a token fingerprint. */
function writeAuditLine(context: FacadeContext, { route, request, caller }: Mutation, outcome: Outcome, deleteId: string | undefined): void {
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
