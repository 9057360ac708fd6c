// Bulk jobs under /_facade/v1/jobs: the request that plans or starts one, and the answers that show it.
import { z } from 'zod';
import { isValidRoomId, PATH_PATTERNS } from './identifiers.ts';
import { roomFilterBody } from './index-query.ts';
import { roomDeleteBody } from './json-body.ts';

/** Most rooms one job takes. */
export const MAX_JOB_ROOMS = 10_000;
/** Most children of one job in flight at once. */
export const MAX_JOB_CONCURRENCY = 4;
/** Longest pause between the children a slot starts, milliseconds. */
export const MAX_JOB_PACE_MS = 60_000;

export const JOB_ACTIONS = ['block', 'unblock', 'delete'] as const;
export const JOB_STATES = ['running', 'waiting', 'cancelling', 'cancelled', 'finished'] as const;
export const CHILD_STATES = ['pending', 'sending', 'following', 'done', 'failed', 'skipped'] as const;

/** A room ID checked as Synapse's RoomID.is_valid checks it, with Synapse's error text. */
const roomId = z
  .string()
  .superRefine((value, ctx) => {
    if (!isValidRoomId(value)) ctx.addIssue({ code: 'custom', message: `${value} is not a legal room ID` });
  })
  .meta({ pattern: PATH_PATTERNS.roomId });

/** The v2 delete body a delete job sends for every room; an option Synapse does not know is refused. */
export const deleteJobOptions = z
  .strictObject({
    ...roomDeleteBody.shape,
    message: z.string().optional().describe('The message the users moved to the new room see.'),
    room_name: z.string().optional().describe('The name of the new room the users are moved to.'),
  })
  .describe('The body of DELETE /_synapse/admin/v2/rooms/{room_id}, sent unchanged for each room.');

const noOptions = z.strictObject({}).describe('Block and unblock take no options.');

/** Fields every action shares. */
const jobRequestFields = {
  rooms: z
    .array(roomId)
    .min(1)
    .max(MAX_JOB_ROOMS)
    .optional()
    .describe('Room IDs, in the order they are worked on; a repeated ID is dropped (the dry run says how many). Or give `filter`.'),
  filter: roomFilterBody
    .optional()
    .describe(
      'Instead of `rooms`: the rooms of the facade index matching these filters (those of GET /_facade/v1/rooms), by room ID. ' +
        'The dry run resolves it into the exact list its confirm token binds; if the index has changed the list by the run, the run is refused (409).',
    ),
  dry_run: z.boolean().default(true).describe('Default true: answer the plan and its confirm token, and send nothing.'),
  confirm: z.string().max(512).optional().describe("The dry run's confirm token; needed with dry_run: false."),
  concurrency: z.number().int().min(1).max(MAX_JOB_CONCURRENCY).default(1).describe('Children in flight at once.'),
  pace_ms: z.number().int().min(0).max(MAX_JOB_PACE_MS).default(1_000).describe('Pause, milliseconds, after each child a slot sends.'),
};

/** The document's way of saying what the refinement below checks: exactly one of `rooms` and `filter`. */
const ROOMS_OR_FILTER = { oneOf: [{ required: ['rooms'] }, { required: ['filter'] }] };

export const jobCreateBody = z.discriminatedUnion(
  'action',
  [
    z.strictObject({ action: z.literal('block'), options: noOptions.prefault({}), ...jobRequestFields }).meta(ROOMS_OR_FILTER),
    z.strictObject({ action: z.literal('unblock'), options: noOptions.prefault({}), ...jobRequestFields }).meta(ROOMS_OR_FILTER),
    z.strictObject({ action: z.literal('delete'), options: deleteJobOptions.prefault({}), ...jobRequestFields }).meta(ROOMS_OR_FILTER),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? `action must be one of ${JOB_ACTIONS.join(', ')}` : undefined) },
).superRefine((body, ctx) => {
  if (body.rooms !== undefined && body.filter !== undefined) ctx.addIssue({ code: 'custom', path: ['filter'], message: 'Give rooms or filter, not both' });
  // Worded as a missing field, so it is answered M_MISSING_PARAM like any other.
  if (body.rooms === undefined && body.filter === undefined) {
    ctx.addIssue({ code: 'invalid_type', expected: 'array', path: ['rooms'], message: 'Invalid input: expected rooms (an array) or filter (an object), received undefined' });
  }
});

export type JobCreateBody = z.output<typeof jobCreateBody>;

const jsonObject = z.record(z.string(), z.unknown());
/** A count or position, documented without the ±(2^53−1) bounds Zod would add. */
const count = () => z.number().int().min(0).meta({ maximum: undefined });
const isoTime = (what: string) => z.string().describe(`${what}, ISO 8601 (UTC).`);

export const jobDryRunAnswer = z.object({
  dry_run: z.literal(true),
  action: z.enum(JOB_ACTIONS),
  options: jsonObject.describe('The options as they will be sent, defaults filled in.'),
  count: count().describe('Rooms in the job, duplicates removed.'),
  sample: z.array(z.string()).describe('The first 20 rooms.'),
  duplicates_removed: count(),
  concurrency: count(),
  pace_ms: count(),
  confirm: z.string().describe('Send it back with dry_run: false and the same request to run the job.'),
  expires_at: isoTime('When the confirm token expires (10 minutes after the dry run)'),
});

export const jobChildView = z.object({
  position: count(),
  room_id: z.string(),
  state: z.enum(CHILD_STATES),
  sent_at: isoTime('When the request was sent').nullable(),
  delete_id: z.string().nullable(),
  result: jsonObject.nullable().describe("Synapse's answer (block), or the final delete task (delete)."),
  error: z.string().nullable(),
});

/** A job without its children (the listing). */
export const jobSummaryView = z.object({
  job_id: z.string(),
  action: z.enum(JOB_ACTIONS),
  options: jsonObject,
  state: z.enum(JOB_STATES),
  admin: z.string().describe('The user ID of the admin who started the job.'),
  created_at: isoTime('Created'),
  updated_at: isoTime('Last changed'),
  finished_at: isoTime('Finished or cancelled').nullable(),
  concurrency: count(),
  pace_ms: count(),
  room_count: count(),
  counts: z.object(Object.fromEntries(CHILD_STATES.map((state) => [state, count()])) as Record<(typeof CHILD_STATES)[number], ReturnType<typeof count>>),
  error: z.string().nullable().describe('Why the job waits or stopped, when it does.'),
  replica: z.string().nullable().describe('The replica (REPLICA_ID) holding the job’s lease: the one running it. Null when none does.'),
  lease_expires_at: count()
    .nullable()
    .describe('When that lease ends unless its replica renews it (every third of JOB_LEASE_MS), milliseconds since the epoch; another replica may take the job over after it. Null when no replica holds it.'),
});

export const jobView = jobSummaryView.extend({
  errors: z.array(z.object({ position: count(), room_id: z.string(), error: z.string() })).describe('Failed children (at most 100).'),
  children: z.array(jobChildView).describe('Children in list order, one page.'),
  next_children_cursor: z.string().optional().describe('Pass as children_cursor for the next page of children.'),
});

export const jobList = z.object({
  jobs: z.array(jobSummaryView),
  next_cursor: z.string().optional().describe('Pass as cursor for the next (older) page.'),
});

export const jobIdParams = z.object({ job_id: z.string().min(1).max(100).describe('The job ID.') });

export const jobListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).describe('Jobs per page, newest first.'),
  cursor: z.string().max(200).optional().describe("The previous page's next_cursor."),
});

export const jobGetQuery = z.object({
  children_limit: z.coerce.number().int().min(1).max(MAX_JOB_ROOMS).default(1_000).describe('Children per page.'),
  children_cursor: z.string().regex(/^\d{1,9}$/).optional().describe("The previous answer's next_children_cursor."),
});

export type JobView = z.infer<typeof jobView>;
export type JobSummaryView = z.infer<typeof jobSummaryView>;
export type JobChildView = z.infer<typeof jobChildView>;
export type JobDryRunAnswer = z.infer<typeof jobDryRunAnswer>;
