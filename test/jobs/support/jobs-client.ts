// Calls of the /_facade/v1/jobs API for the job tests: dry run, confirmed run, polling a job to a state.
import { DEFAULT_ADMIN_TOKEN } from '../../../src/mock/server.ts';
import type { JobView } from '../../../schemas/jobs.ts';

/** Status and JSON body of one answer. */
export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** Sends a request to the facade as `token` (default the mock's admin); `body` is sent as JSON. */
export async function api<T = Record<string, unknown>>(
  facadeUrl: string,
  method: string,
  path: string,
  { body, token = DEFAULT_ADMIN_TOKEN }: { body?: unknown; token?: string | null } = {},
): Promise<ApiAnswer<T>> {
  const response = await fetch(`${facadeUrl}${path}`, {
    method,
    headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/** Dry run, then the confirmed run of the same request; answers the started job (202 expected). */
export async function startJob(facadeUrl: string, request: Record<string, unknown>): Promise<JobView> {
  const plan = await api<{ confirm: string }>(facadeUrl, 'POST', '/_facade/v1/jobs', { body: request });
  if (plan.status !== 200) throw new Error(`dry run answered ${plan.status}: ${JSON.stringify(plan.body)}`);
  const run = await api<JobView>(facadeUrl, 'POST', '/_facade/v1/jobs', { body: { ...request, dry_run: false, confirm: plan.body.confirm } });
  if (run.status !== 202) throw new Error(`run answered ${run.status}: ${JSON.stringify(run.body)}`);
  return run.body;
}

/** Polls GET /_facade/v1/jobs/{id} until `done(job)` holds; throws with the last view after `timeoutMs`. */
export async function waitForJob(facadeUrl: string, jobId: string, done: (job: JobView) => boolean, { timeoutMs = 15_000, token = DEFAULT_ADMIN_TOKEN } = {}): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await api<JobView>(facadeUrl, 'GET', `/_facade/v1/jobs/${jobId}`, { token });
    if (status === 200 && done(body)) return body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not get there in time: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Whether a job has ended (finished or cancelled). */
export const ended = (job: JobView): boolean => job.state === 'finished' || job.state === 'cancelled';
