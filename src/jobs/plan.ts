// What a bulk-job request resolves to before anything is sent: the room list without duplicates, the options
// as they will be sent, the checks Synapse would make on every child, and the dry run's answer.
import { isMineId } from '../../schemas/identifiers.ts';
import { userIdStartError } from '../../schemas/json-body.ts';
import { MAX_JOB_ROOMS, type JobCreateBody, type JobDryRunAnswer } from '../../schemas/jobs.ts';
import { FacadeError } from '../errors.ts';
import type { FacadeContext } from '../pipeline/context.ts';
import { createProbe, discoverServerName } from '../pipeline/probe.ts';
import { issueConfirmToken, type ConfirmedRequest } from './confirm-token.ts';
import { fromStore } from '../pipeline/store-answer.ts';
import { roomsMatching } from '../index/room-selection.ts';

/** Rooms a dry run shows. */
export const DRY_RUN_SAMPLE = 20;

/** The store secret that keys confirm tokens. */
export const CONFIRM_SECRET = 'job-confirm';

/** A resolved request: what a confirm token binds, plus how many repeated rooms were dropped. */
export interface JobPlan extends ConfirmedRequest {
  duplicatesRemoved: number;
}

/** The verified admin a request runs for; the token is used for work on their behalf, never stored or logged. */
export interface JobCaller {
  userId: string;
  token: string;
}

/**
 * The room list in its given order with repeats dropped — or a `filter` resolved through the index, by room ID
 * (each time: the run resolves it again, and a changed list fails its confirm token) — and the options with
 * their defaults filled in.
 */
export async function planOf(context: FacadeContext, body: JobCreateBody): Promise<JobPlan> {
  const listed = body.filter ? await roomsMatching(context.store, body.filter, { maxRooms: MAX_JOB_ROOMS }) : (body.rooms ?? []);
  const rooms = [...new Set(listed)];
  return {
    action: body.action,
    options: { ...body.options },
    rooms,
    concurrency: body.concurrency,
    paceMs: body.pace_ms,
    duplicatesRemoved: listed.length - rooms.length,
  };
}

/**
 * Refuses up front what Synapse would refuse for every child of a delete job: a `new_room_user_id` of another
 * server ("User must be our own", Synapse: handlers/pagination.py start_shutdown_and_purge_room), and a local
 * one without `@`, which Synapse's v2 accepts and then fails on (as src/routes/rooms/room-delete-v2.ts refuses it).
 * The server name comes from SYNAPSE_SERVER_NAME or the caller's whoami.
 */
export async function checkPlan(context: FacadeContext, plan: JobPlan, caller: JobCaller): Promise<void> {
  const userId = plan.options.new_room_user_id;
  if (plan.action !== 'delete' || typeof userId !== 'string') return;
  const probe = createProbe(context, { headers: { authorization: `Bearer ${caller.token}` }, rawQuery: '', token: caller.token });
  const serverName = await discoverServerName(context, probe);
  if (!isMineId(userId, serverName)) throw new FacadeError(400, 'M_UNKNOWN', `User must be our own: ${userId}`);
  if (!userId.startsWith('@')) throw userIdStartError();
}

/** The key of confirm tokens (kept in the store, so tokens outlive a restart); 503 while the store is away. */
export const confirmKey = (context: FacadeContext): Promise<Buffer> => fromStore(() => context.store.secret(CONFIRM_SECRET));

/** A dry run: the plan and its confirm token. Nothing is sent to Synapse and nothing is stored. */
export async function dryRun(context: FacadeContext, body: JobCreateBody, caller: JobCaller, now = Date.now()): Promise<JobDryRunAnswer> {
  const plan = await planOf(context, body);
  await checkPlan(context, plan, caller);
  const { confirm, expiresAt } = issueConfirmToken(await confirmKey(context), plan, { now });
  return {
    dry_run: true,
    action: plan.action,
    options: plan.options,
    count: plan.rooms.length,
    sample: plan.rooms.slice(0, DRY_RUN_SAMPLE),
    duplicates_removed: plan.duplicatesRemoved,
    concurrency: plan.concurrency,
    pace_ms: plan.paceMs,
    confirm,
    expires_at: new Date(expiresAt).toISOString(),
  };
}
