// Bulk jobs: created from a confirmed dry run, run in the background, cancelled or resumed by an admin, and
// resumed after a restart. Tokens live in this process's memory only: never stored, never logged.
import { createHash } from 'node:crypto';
import type { JobCreateBody } from '../../schemas/jobs.ts';
import { FacadeError } from '../errors.ts';
import { auditBodyFields } from '../pipeline/audit-fields.ts';
import type { FacadeContext } from '../pipeline/context.ts';
import type { JobRecord } from '../store/store.ts';
import { checkConfirmToken, roomListHash } from './confirm-token.ts';
import { JobExecution, type ExecutionEnd } from './internal/execution.ts';
import { auditJobAction } from './internal/job-audit.ts';
import { JobLocks } from './internal/job-locks.ts';
import { checkPlan, confirmKey, planOf, type JobCaller } from './plan.ts';
import { fromStore } from '../pipeline/store-answer.ts';

/** Polls of a delete a job follows are at least this far apart, milliseconds (and at most DELETE_FOLLOW_INTERVAL_MS). */
const MIN_POLL_MS = 1_000;
/** Answers Synapse must give without listing a delete before a `sending` delete child counts as never applied. */
export const RECONCILE_ATTEMPTS = 3;

const TOKEN_REFUSED = "Synapse refused the job's token (revoked, or no longer an admin's): POST /_facade/v1/jobs/{job_id}/resume continues it with yours";
const NO_TOKEN = 'The facade restarted without FACADE_ADMIN_TOKEN: POST /_facade/v1/jobs/{job_id}/resume continues the job with your token';

/** Options of the runner. */
export interface JobRunnerOptions {
  /** Wait before a job halted by a failing store is tried again, milliseconds (default 10000). */
  storeRetryMs?: number;
  /** Clock, milliseconds (default Date.now). */
  now?: () => number;
}

/** What the caller's request adds to the job's audit rows. */
interface RequestNote {
  requestId?: string | null;
}

/** Runs the facade's bulk jobs; one per FacadeContext. */
export class JobRunner {
  readonly #context: FacadeContext;
  readonly #storeRetryMs: number;
  readonly #now: () => number;
  readonly #executions = new Map<string, { execution: JobExecution; done: Promise<void> }>();
  /** The token each job acts with: its starter's, FACADE_ADMIN_TOKEN after a restart, or a resumer's. */
  readonly #tokens = new Map<string, string>();
  readonly #retries = new Map<string, NodeJS.Timeout>();
  readonly #locks = new JobLocks();
  #stopped = false;
  #started: Promise<void> | undefined;

  constructor(context: FacadeContext, { storeRetryMs = 10_000, now = Date.now }: JobRunnerOptions = {}) {
    this.#context = context;
    this.#storeRetryMs = storeRetryMs;
    this.#now = now;
  }

  /** Jobs this facade is running now. */
  get running(): number {
    return this.#executions.size;
  }

  /** Whether this facade is running job `jobId` now. */
  isRunning(jobId: string): boolean {
    return this.#executions.has(jobId);
  }

  /**
   * Resumes every unfinished job once the store is open: with FACADE_ADMIN_TOKEN when set, else the job waits
   * for POST …/resume. Children left `sending` are reconciled by asking Synapse, never resent.
   */
  start(): Promise<void> {
    this.#started ??= this.#context.store.opened.then(() => this.#resumeUnfinished());
    return this.#started;
  }

  async #resumeUnfinished(): Promise<void> {
    if (this.#stopped) return;
    let jobs: JobRecord[];
    try {
      jobs = await this.#context.store.unfinishedJobs();
    } catch {
      this.#started = undefined;
      setTimeout(() => void this.start(), this.#storeRetryMs).unref();
      return;
    }
    const serviceToken = this.#context.config.facadeAdminToken;
    for (const job of jobs) {
      if (this.#executions.has(job.id) || this.#tokens.has(job.id)) continue;
      if (serviceToken) this.#tokens.set(job.id, serviceToken);
      this.#launch(job);
    }
  }

  /** Starts a job from a confirmed request (the dry run's token must match it exactly); answers the stored job. */
  async create(body: JobCreateBody, caller: JobCaller, { requestId = null }: RequestNote = {}): Promise<JobRecord> {
    if (this.#stopped) throw new FacadeError(503, 'M_UNKNOWN', 'The facade is shutting down; no job starts');
    const plan = await planOf(this.#context, body);
    checkConfirmToken(await confirmKey(this.#context), body.confirm, plan, { now: this.#now() });
    await checkPlan(this.#context, plan, caller);
    // The ID comes from the token: the same confirmed request cannot start two jobs (a retried POST included).
    const id = createHash('sha256').update(body.confirm ?? '').digest('hex').slice(0, 32);
    if (await fromStore(() => this.#context.store.getJob(id))) {
      throw new FacadeError(409, 'M_UNKNOWN', `This confirm token already started job ${id}; another run needs a new dry run`, { job_id: id });
    }
    const { action, options, rooms, concurrency, paceMs } = plan;
    const createdAt = this.#now();
    await fromStore(() => this.#context.store.createJob({ id, action, options, admin: caller.userId, concurrency, paceMs, createdAt, listHash: roomListHash(rooms), rooms }));
    this.#tokens.set(id, caller.token);
    const details = { count: rooms.length, action, options: auditBodyFields(options), concurrency, pace_ms: paceMs, duplicates_removed: plan.duplicatesRemoved };
    await auditJobAction(this.#context, { action: 'job.create', jobId: id, admin: caller.userId, status: 202, requestId, details, at: createdAt });
    const job = await fromStore(() => this.#context.store.getJob(id));
    this.#launch(job!);
    return job!;
  }

  /**
   * Cancels a job: no child starts any more, pending children become `skipped`, children in flight finish (a
   * delete is followed to its end). A job without a token (waiting) settles those with the caller's token.
   */
  cancel(jobId: string, caller: JobCaller, { requestId = null }: RequestNote = {}): Promise<void> {
    return this.#locks.run(jobId, async () => {
      const job = await this.#existing(jobId);
      if (job.state === 'finished' || job.state === 'cancelled') throw new FacadeError(409, 'M_UNKNOWN', `The job is already ${job.state}`);
      await fromStore(() => this.#context.store.updateJob(jobId, { state: 'cancelling', updatedAt: this.#now() }));
      await auditJobAction(this.#context, { action: 'job.cancel', jobId, admin: caller.userId, status: 200, requestId, details: { count: job.roomCount }, at: this.#now() });
      const running = this.#executions.get(jobId);
      // The answer already shows the pending rooms skipped.
      if (running) await running.execution.cancel();
      else {
        if (!this.#tokens.has(jobId)) this.#tokens.set(jobId, caller.token);
        this.#launch({ ...job, state: 'cancelling' });
      }
    });
  }

  /** Continues a `waiting` job (or a cancelling one without a token) with the caller's token from now on. */
  resume(jobId: string, caller: JobCaller, { requestId = null }: RequestNote = {}): Promise<void> {
    return this.#locks.run(jobId, async () => {
      const job = await this.#existing(jobId);
      const stalledCancel = job.state === 'cancelling' && !this.#executions.has(jobId);
      if (job.state !== 'waiting' && !stalledCancel) throw new FacadeError(409, 'M_UNKNOWN', `Only a waiting job can be resumed; this one is ${job.state}`);
      const state = stalledCancel ? 'cancelling' : 'running';
      await fromStore(() => this.#context.store.updateJob(jobId, { state, error: null, updatedAt: this.#now() }));
      this.#tokens.set(jobId, caller.token);
      await auditJobAction(this.#context, { action: 'job.resume', jobId, admin: caller.userId, status: 200, requestId, details: { count: job.roomCount }, at: this.#now() });
      this.#launch({ ...job, state });
    });
  }

  /** Stops every job at its next safe point (each request in flight answered and recorded); they resume on the next start. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#retries.values()) clearTimeout(timer);
    this.#retries.clear();
    for (const { execution } of this.#executions.values()) execution.stop();
    await Promise.all([...this.#executions.values()].map(({ done }) => done));
  }

  async #existing(jobId: string): Promise<JobRecord> {
    const job = await fromStore(() => this.#context.store.getJob(jobId));
    if (!job) throw new FacadeError(404, 'M_NOT_FOUND', `No job with ID '${jobId}'`);
    return job;
  }

  /** Runs a job in the background unless it already runs; without a token it waits instead. */
  #launch(job: JobRecord): void {
    if (this.#stopped || this.#executions.has(job.id)) return;
    clearTimeout(this.#retries.get(job.id));
    this.#retries.delete(job.id);
    const token = this.#tokens.get(job.id);
    if (!token) {
      void this.#locks.run(job.id, () => this.#recordEnd(job, 'waiting', job.state === 'cancelling', NO_TOKEN));
      return;
    }
    const pollIntervalMs = Math.min(Math.max(job.paceMs, MIN_POLL_MS), this.#context.config.deleteFollowIntervalMs);
    const options = { cancelled: job.state === 'cancelling', pollIntervalMs, reconcileAttempts: RECONCILE_ATTEMPTS, now: this.#now };
    const execution = new JobExecution(this.#context, job, token, options);
    const done = (async () => {
      if (job.state === 'waiting') await this.#context.store.updateJob(job.id, { state: 'running', error: null, updatedAt: this.#now() }).catch(() => {});
      this.#context.logger.info({ job_id: job.id, action: job.action, state: job.state }, 'bulk job running');
      const end = await execution.run();
      await this.#locks.run(job.id, () => this.#recordEnd(job, end, execution.cancelRequested, TOKEN_REFUSED));
    })()
      .catch((error: unknown) => this.#context.logger.error({ err: error, job_id: job.id }, 'bulk job failed'))
      .finally(() => this.#executions.delete(job.id));
    this.#executions.set(job.id, { execution, done });
  }

  /** Stores how a run ended; a store failure is retried after storeRetryMs with the token kept. */
  async #recordEnd(job: JobRecord, end: ExecutionEnd, cancelled: boolean, waitReason: string): Promise<void> {
    const at = this.#now();
    this.#context.logger.info({ job_id: job.id, end }, 'bulk job run ended');
    if (end === 'stopped') return;
    if (end === 'waiting') this.#tokens.delete(job.id);
    try {
      if (end === 'store') throw new Error('store');
      if (end === 'waiting') {
        // A cancel asked for stays asked for: the job then waits in `cancelling` for a token to settle its in-flight children.
        await this.#context.store.updateJob(job.id, { state: cancelled ? 'cancelling' : 'waiting', error: waitReason.replace('{job_id}', job.id), updatedAt: at });
      } else {
        await this.#context.store.updateJob(job.id, { state: end, finishedAt: at, error: null, updatedAt: at });
        // A token is kept no longer than its job needs it.
        this.#tokens.delete(job.id);
      }
    } catch {
      if (this.#stopped) return;
      this.#retries.set(job.id, setTimeout(() => void this.#retry(job.id), this.#storeRetryMs).unref());
    }
  }

  async #retry(jobId: string): Promise<void> {
    this.#retries.delete(jobId);
    let job: JobRecord | undefined;
    try {
      job = await this.#context.store.getJob(jobId);
    } catch {
      if (!this.#stopped) this.#retries.set(jobId, setTimeout(() => void this.#retry(jobId), this.#storeRetryMs).unref());
      return;
    }
    if (job && job.state !== 'finished' && job.state !== 'cancelled') this.#launch(job);
  }
}
