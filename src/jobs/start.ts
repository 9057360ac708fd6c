// Starts the facade's background work once it serves requests: each loop is stopped on shutdown, before the store closes.
import type { FacadeContext } from '../pipeline/context.ts';
import type { BackgroundTask } from '../internal/background.ts';
import { JobRunner } from './runner.ts';
import { startDeleteFollower } from './delete-follower.ts';
import { startAuditPruner } from './audit-retention.ts';
import { startIndexSweeper, type IndexSweeper } from '../index/sweeper.ts';

/** What the background work gives the rest of the facade. */
export interface BackgroundWork {
  /** Every loop, for shutdown. */
  tasks: BackgroundTask[];
  /** The bulk-job runner (the /_facade/v1/jobs endpoints drive it). */
  jobs: JobRunner;
  /** The room and destination index's sweeper (GET /_facade/v1/index and /summary read it). */
  index: IndexSweeper;
}

/** Starts the audit pruner, the delete follower, the job runner (which resumes unfinished jobs) and the index sweeper. */
export function startBackgroundWork(context: FacadeContext): BackgroundWork {
  const jobs = new JobRunner(context);
  void jobs.start();
  // A job follows its own deletes (and records them) on the replica holding its lease; the follower takes the rest,
  // and a job's once no replica holds it.
  const follower = startDeleteFollower(context, { jobsFollowing: async () => new Set(await context.store.leasedJobIds(Date.now())) });
  const index = startIndexSweeper(context);
  return { tasks: [startAuditPruner(context), follower, { name: 'jobs', stop: () => jobs.stop() }, index], jobs, index };
}
