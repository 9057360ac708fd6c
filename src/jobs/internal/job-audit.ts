// The audit rows of what an admin does to a job itself: create, cancel, resume (each room has its own row).
import { writeAudit } from '../../pipeline/audit-trail.ts';
import type { FacadeContext } from '../../pipeline/context.ts';

/** One job action to audit; `admin` is the verified caller's user ID. */
export interface JobAuditNote {
  action: 'job.create' | 'job.cancel' | 'job.resume';
  jobId: string;
  admin: string;
  /** The status the caller got. */
  status: number;
  requestId: string | null;
  details: Record<string, unknown>;
  at: number;
}

/** Writes the row (kind `job`, the API path, details with `job_id`); never throws. */
export function auditJobAction(context: FacadeContext, { action, jobId, admin, status, requestId, details, at }: JobAuditNote): Promise<void> {
  const path = action === 'job.create' ? '/_facade/v1/jobs' : `/_facade/v1/jobs/${jobId}/${action.slice('job.'.length)}`;
  return writeAudit(context, { at, kind: 'job', action, method: 'POST', path, roomId: null, admin, status, durationMs: null, requestId, details: { job_id: jobId, ...details } });
}
