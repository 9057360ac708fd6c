// /_facade/v1/jobs: bulk block, unblock and delete of many rooms — dry run first, then a confirmed run that
// is paced, sent at most once per room, cancellable, and resumed after a restart.
import {
  jobCreateBody,
  jobDryRunAnswer,
  jobGetQuery,
  jobIdParams,
  jobList,
  jobListQuery,
  jobView,
  MAX_JOB_ROOMS,
} from '../../../schemas/jobs.ts';
import { recordOf } from '../../observability/request-log.ts';
import type { FacadeContext } from '../../pipeline/context.ts';
import { dryRun } from '../../jobs/plan.ts';
import type { JobRunner } from '../../jobs/runner.ts';
import { jobListOf, jobViewOf } from '../../jobs/view.ts';
import { defineFacadeApi, type FacadeApi } from './declare.ts';

const TAG = 'Facade: jobs';

/** A body of MAX_JOB_ROOMS room IDs of Synapse's longest (255 characters) fits with room to spare. */
const JOBS_BODY_BYTES = MAX_JOB_ROOMS * 260 + 65_536;

/** The five job endpoints, driving `jobs`. */
export function jobsApis(context: FacadeContext, jobs: JobRunner): FacadeApi[] {
  return [
    defineFacadeApi({
      method: 'post',
      path: '/_facade/v1/jobs',
      tag: TAG,
      summary: 'Plan (dry run, the default) or start a bulk block, unblock or delete of rooms',
      description:
        'With `dry_run` omitted or true, nothing is sent or stored: the answer is the room list as it will run (duplicates ' +
        'dropped), and a `confirm` token bound to that exact request, valid 10 minutes. Send the same request with ' +
        '`dry_run: false` and that `confirm` to start the job (202); a changed list, action, options, concurrency or pace ' +
        'needs a new dry run (409). Each room is sent at most once: its state is stored as `sending` before its request ' +
        'leaves, and after a crash Synapse is asked what happened instead of sending again. A delete is a v2 delete, ' +
        'followed until `complete` or `failed` before its slot takes the next room.',
      body: jobCreateBody,
      maxBodyBytes: JOBS_BODY_BYTES,
      response: jobDryRunAnswer.or(jobView),
      alsoStatus: 202,
      errors: [400, 409, 413],
      handle: async (c, { body, admin }) => {
        if (body.dry_run) return c.json(await dryRun(context, body, admin), 200);
        const job = await jobs.create(body, admin, { requestId: recordOf(c.env.incoming)?.id });
        return c.json(await jobViewOf(context, job.id), 202);
      },
    }),
    defineFacadeApi({
      method: 'get',
      path: '/_facade/v1/jobs',
      tag: TAG,
      summary: 'Bulk jobs, newest first',
      description: 'One page of jobs with their counts by child state; `next_cursor` continues with older ones.',
      query: jobListQuery,
      response: jobList,
      errors: [400],
      handle: async (c, { query }) => c.json(await jobListOf(context, query)),
    }),
    defineFacadeApi({
      method: 'get',
      path: '/_facade/v1/jobs/{job_id}',
      tag: TAG,
      summary: 'One bulk job: its state, counts, failed rooms and each room’s result',
      description: 'Children in list order, `children_limit` per answer; `next_children_cursor` continues.',
      params: jobIdParams,
      query: jobGetQuery,
      response: jobView,
      errors: [400, 404],
      handle: async (c, { params, query }) => {
        const afterPosition = query.children_cursor === undefined ? undefined : Number(query.children_cursor);
        return c.json(await jobViewOf(context, params.job_id, { limit: query.children_limit, afterPosition }));
      },
    }),
    defineFacadeApi({
      method: 'post',
      path: '/_facade/v1/jobs/{job_id}/cancel',
      tag: TAG,
      summary: 'Cancel a bulk job',
      description:
        'No further room starts; pending rooms become `skipped`; rooms in flight finish (a delete is followed to its end), ' +
        'then the job is `cancelled`. A job waiting for a token settles its rooms in flight with the caller’s token. ' +
        'Sent to a replica other than the one running the job (its `replica`), the cancel is stored at once and that ' +
        'replica stops before its next room (at most a third of JOB_LEASE_MS later); until then the answer may still ' +
        'show rooms `pending`.',
      params: jobIdParams,
      response: jobView,
      errors: [400, 404, 409],
      handle: async (c, { params, admin }) => {
        await jobs.cancel(params.job_id, admin, { requestId: recordOf(c.env.incoming)?.id });
        return c.json(await jobViewOf(context, params.job_id));
      },
    }),
    defineFacadeApi({
      method: 'post',
      path: '/_facade/v1/jobs/{job_id}/resume',
      tag: TAG,
      summary: 'Resume a waiting bulk job with the caller’s token',
      description:
        'A job waits when Synapse refused its token, or after a restart without FACADE_ADMIN_TOKEN. Rooms whose request ' +
        'may have reached Synapse are first checked with Synapse, never sent again. 409 when the job is not waiting, or ' +
        'another live replica runs it now.',
      params: jobIdParams,
      response: jobView,
      errors: [400, 404, 409],
      handle: async (c, { params, admin }) => {
        await jobs.resume(params.job_id, admin, { requestId: recordOf(c.env.incoming)?.id });
        return c.json(await jobViewOf(context, params.job_id));
      },
    }),
  ];
}
