// Jobs as the /_facade/v1/jobs answers show them: a stored job, its children page by page, keyset cursors.
import { CHILD_STATES, type JobChildView, type JobSummaryView, type JobView } from '../../schemas/jobs.ts';
import { FacadeError } from '../errors.ts';
import type { FacadeContext } from '../pipeline/context.ts';
import { fromStore } from '../pipeline/store-answer.ts';
import type { JobChild, JobRecord } from '../store/store.ts';

/** Failed children an answer lists under `errors`. */
const ERRORS_SHOWN = 100;

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** A job without its children. */
export function jobSummaryOf(job: JobRecord): JobSummaryView {
  return {
    job_id: job.id,
    action: job.action,
    options: job.options,
    state: job.state,
    admin: job.admin,
    created_at: iso(job.createdAt),
    updated_at: iso(job.updatedAt),
    finished_at: isoOrNull(job.finishedAt),
    concurrency: job.concurrency,
    pace_ms: job.paceMs,
    room_count: job.roomCount,
    counts: Object.fromEntries(CHILD_STATES.map((state) => [state, job.counts[state] ?? 0])) as JobSummaryView['counts'],
    error: job.error,
    replica: job.owner,
    lease_expires_at: job.leaseUntil,
  };
}

const childOf = (child: JobChild): JobChildView => ({
  position: child.position,
  room_id: child.roomId,
  state: child.state,
  sent_at: isoOrNull(child.sentAt),
  delete_id: child.deleteId,
  result: child.result,
  error: child.error,
});

/** Options of {@link jobViewOf}. */
export interface ChildrenPage {
  /** Children per answer (default 1000). */
  limit?: number;
  /** Only children after this position (the previous page's cursor). */
  afterPosition?: number;
}

/** A job with one page of its children and its failed children's errors; 404 M_NOT_FOUND for an unknown ID. */
export async function jobViewOf(context: FacadeContext, jobId: string, { limit = 1_000, afterPosition }: ChildrenPage = {}): Promise<JobView> {
  const job = await fromStore(() => context.store.getJob(jobId));
  if (!job) throw new FacadeError(404, 'M_NOT_FOUND', `No job with ID '${jobId}'`);
  const [children, failed] = await fromStore(() =>
    Promise.all([
      context.store.jobChildren(jobId, { limit: limit + 1, afterPosition }),
      context.store.jobChildren(jobId, { states: ['failed'], limit: ERRORS_SHOWN }),
    ]),
  );
  const page = children.slice(0, limit);
  // Counts read a moment before the children may lag them by a state; a page holding every child is the truth.
  const whole = afterPosition === undefined && children.length <= limit;
  const counts = whole ? countByState(page) : job.counts;
  return {
    ...jobSummaryOf({ ...job, counts }),
    errors: failed.map((child) => ({ position: child.position, room_id: child.roomId, error: child.error ?? 'failed' })),
    children: page.map(childOf),
    ...(children.length > limit ? { next_children_cursor: String(page.at(-1)!.position) } : {}),
  };
}

/** Children counted by state. */
function countByState(children: readonly JobChild[]): JobRecord['counts'] {
  const counts: JobRecord['counts'] = {};
  for (const child of children) counts[child.state] = (counts[child.state] ?? 0) + 1;
  return counts;
}

/** `<created_at>.<job id>` of the last job of a page: the keyset position the next page starts after. */
const cursorOf = (job: JobRecord) => Buffer.from(`${job.createdAt}.${job.id}`).toString('base64url');

function positionOf(cursor: string): { createdAt: number; id: string } {
  const match = /^(\d{1,15})\.(.+)$/s.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new FacadeError(400, 'M_INVALID_PARAM', "Invalid query parameter 'cursor': not a cursor this API answered");
  return { createdAt: Number(match[1]), id: match[2]! };
}

/** One page of jobs, newest first, and the cursor of the next (older) page when there is one. */
export async function jobListOf(context: FacadeContext, { limit, cursor }: { limit: number; cursor?: string }) {
  const before = cursor === undefined ? undefined : positionOf(cursor);
  const jobs = await fromStore(() => context.store.listJobs({ limit: limit + 1, before }));
  const page = jobs.slice(0, limit);
  return { jobs: page.map(jobSummaryOf), ...(jobs.length > limit ? { next_cursor: cursorOf(page.at(-1)!) } : {}) };
}
