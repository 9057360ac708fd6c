// Bulk jobs: created from a confirmed dry run, run in the background under a lease (one replica at a time),
// cancelled or resumed by an admin through any replica, and taken over when the replica running one dies or
// restarts. Tokens live in this process's memory only: never stored, never logged.
import { createHash } from 'node:crypto';
import type { JobCreateBody } from '../../schemas/jobs.ts';
import { replicaIdOf } from '../config.ts';
import { FacadeError } from '../errors.ts';
import { everyInterval, type BackgroundTask } from '../internal/background.ts';
import { auditBodyFields } from '../pipeline/audit-fields.ts';
import type { FacadeContext } from '../pipeline/context.ts';
import type { JobRecord } from '../store/store.ts';
import { checkConfirmToken, roomListHash } from './confirm-token.ts';
import { JobExecution, type ExecutionEnd } from './internal/execution.ts';
import { auditJobAction } from './internal/job-audit.ts';
import { JobLeases } from './internal/job-lease.ts';
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
  /** This replica's name in the jobs' leases (default REPLICA_ID, else `<hostname>-<pid>`). */
  replicaId?: string;
  /** How long a claim on a job lasts without a heartbeat, milliseconds (default JOB_LEASE_MS); renewed every third of it. */
  leaseMs?: number;
  /**
   * Whether other replicas share the store (default: when it is PostgreSQL's). A runner alone on its store takes
   * every unfinished job at start, leased or not: a lease found there is a previous process's, and that one is gone.
   */
  shared?: boolean;
}

/** What the caller's request adds to the job's audit rows. */
interface RequestNote {
  requestId?: string | null;
}

/** A job waiting for an admin's token: a takeover would only record that again, so only a resume or a start runs it. */
const waitsForToken = (job: JobRecord) => job.state === 'waiting' || (job.state === 'cancelling' && job.error !== null);

/** Runs the facade's bulk jobs; one per FacadeContext. */
export class JobRunner {
  readonly #context: FacadeContext;
  readonly #storeRetryMs: number;
  readonly #now: () => number;
  readonly #shared: boolean;
  readonly #leases: JobLeases;
  readonly #executions = new Map<string, { execution: JobExecution; done: Promise<void> }>();
  /** The token each job acts with: its starter's, FACADE_ADMIN_TOKEN after a takeover, or a resumer's. */
  readonly #tokens = new Map<string, string>();
  readonly #retries = new Map<string, NodeJS.Timeout>();
  readonly #locks = new JobLocks();
  #stopped = false;
  #started: Promise<void> | undefined;
  #takeovers: BackgroundTask | undefined;
  /** The first pass (a restart's resume of every unfinished job) has read the store. */
  #resumed = false;

  constructor(context: FacadeContext, { storeRetryMs = 10_000, now = Date.now, replicaId, leaseMs, shared }: JobRunnerOptions = {}) {
    this.#context = context;
    this.#storeRetryMs = storeRetryMs;
    this.#now = now;
    this.#shared = shared ?? context.store.kind === 'postgres';
    this.#leases = new JobLeases(context, { replicaId: replicaId ?? replicaIdOf(context.config), leaseMs: leaseMs ?? context.config.jobLeaseMs, now });
  }

  /** Jobs this facade is running now. */
  get running(): number {
    return this.#executions.size;
  }

  /**
   * Once the store is open, resumes every unfinished job whose lease is free, then every third of the lease takes
   * over those whose replica died: with FACADE_ADMIN_TOKEN when set, else the job waits for POST …/resume.
   * Children left `sending` are reconciled by asking Synapse, never resent.
   */
  start(): Promise<void> {
    this.#started ??= this.#context.store.opened.then(() => {
      if (this.#stopped) return;
      const logger = this.#context.logger;
      this.#takeovers = everyInterval(() => this.#takeOver(), { name: 'job takeover', intervalMs: this.#leases.beatMs, logger });
    });
    return this.#started;
  }

  /** One pass of the takeover loop; a store that fails costs this pass only (the store's hook logged it). */
  async #takeOver(): Promise<void> {
    const restart = !this.#resumed;
    let jobs: JobRecord[];
    try {
      jobs = restart && !this.#shared ? await this.#context.store.unfinishedJobs() : await this.#context.store.claimableJobs(this.#now());
    } catch {
      return;
    }
    this.#resumed = true;
    for (const job of jobs) {
      if (this.#stopped) return;
      if (!restart && waitsForToken(job)) continue;
      await this.#locks.run(job.id, () => this.#takeOverJob(job, restart && !this.#shared)).catch(() => {});
    }
  }

  async #takeOverJob(job: JobRecord, anyLease: boolean): Promise<void> {
    if (this.#executions.has(job.id) || this.#tokens.has(job.id)) return;
    if (!(await this.#leases.claim(job, { anyLease }))) return;
    const serviceToken = this.#context.config.facadeAdminToken;
    if (serviceToken) this.#tokens.set(job.id, serviceToken);
    this.#launch(job);
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
    const lease = this.#leases.fresh();
    await fromStore(() => this.#context.store.createJob({ id, action, options, admin: caller.userId, concurrency, paceMs, createdAt, listHash: roomListHash(rooms), rooms, lease }));
    this.#leases.created(id);
    this.#tokens.set(id, caller.token);
    const details = { count: rooms.length, action, options: auditBodyFields(options), concurrency, pace_ms: paceMs, duplicates_removed: plan.duplicatesRemoved };
    await auditJobAction(this.#context, { action: 'job.create', jobId: id, admin: caller.userId, status: 202, requestId, details, at: createdAt });
    const job = await fromStore(() => this.#context.store.getJob(id));
    this.#launch(job!);
    return job!;
  }

  /**
   * Cancels a job: no child starts any more, pending children become `skipped`, children in flight finish (a
   * delete is followed to its end). A job another replica runs is cancelled there (its heartbeat reads the
   * cancel); a job nobody runs is claimed, and without a token (waiting) settled with the caller's.
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
      else if (await fromStore(() => this.#leases.claim(job))) {
        if (!this.#tokens.has(jobId)) this.#tokens.set(jobId, caller.token);
        this.#launch({ ...job, state: 'cancelling' });
      }
    });
  }

  /** Continues a `waiting` job (or a cancelling one nobody runs) with the caller's token from now on. */
  resume(jobId: string, caller: JobCaller, { requestId = null }: RequestNote = {}): Promise<void> {
    return this.#locks.run(jobId, async () => {
      const job = await this.#existing(jobId);
      const stalledCancel = job.state === 'cancelling' && !this.#executions.has(jobId);
      if (job.state !== 'waiting' && !stalledCancel) throw new FacadeError(409, 'M_UNKNOWN', `Only a waiting job can be resumed; this one is ${job.state}`);
      if (!(await fromStore(() => this.#leases.claim(job)))) throw new FacadeError(409, 'M_UNKNOWN', `Replica ${job.owner ?? 'another'} runs this job now`);
      const state = stalledCancel ? 'cancelling' : 'running';
      await fromStore(() => this.#context.store.updateJob(jobId, { state, error: null, updatedAt: this.#now() }));
      this.#tokens.set(jobId, caller.token);
      await auditJobAction(this.#context, { action: 'job.resume', jobId, admin: caller.userId, status: 200, requestId, details: { count: job.roomCount }, at: this.#now() });
      this.#launch({ ...job, state, error: null });
    });
  }

  /**
   * Stops every job at its next safe point (each request in flight answered and recorded) and releases its lease:
   * another replica takes it over at once, or this one's next start resumes it.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#takeovers?.stop();
    const halted = [...this.#retries.keys()];
    for (const timer of this.#retries.values()) clearTimeout(timer);
    this.#retries.clear();
    for (const { execution } of this.#executions.values()) execution.stop();
    await Promise.all([...this.#executions.values()].map(({ done }) => done));
    await Promise.all(halted.map((jobId) => this.#leases.release(jobId)));
  }

  async #existing(jobId: string): Promise<JobRecord> {
    const job = await fromStore(() => this.#context.store.getJob(jobId));
    if (!job) throw new FacadeError(404, 'M_NOT_FOUND', `No job with ID '${jobId}'`);
    return job;
  }

  /** Runs a job this replica has just claimed, in the background, unless it already runs; without a token it waits instead. */
  #launch(job: JobRecord): void {
    if (this.#executions.has(job.id)) return;
    // Claimed while stopping: given back at once, for another replica to take.
    if (this.#stopped) return void this.#leases.release(job.id);
    clearTimeout(this.#retries.get(job.id));
    this.#retries.delete(job.id);
    const token = this.#tokens.get(job.id);
    if (!token) {
      void this.#locks.run(job.id, () => this.#ended(job, 'waiting', job.state === 'cancelling', NO_TOKEN));
      return;
    }
    const pollIntervalMs = Math.min(Math.max(job.paceMs, MIN_POLL_MS), this.#context.config.deleteFollowIntervalMs);
    const options = { cancelled: job.state === 'cancelling', owner: this.#leases.replicaId, pollIntervalMs, reconcileAttempts: RECONCILE_ATTEMPTS, now: this.#now };
    const execution = new JobExecution(this.#context, job, token, options);
    const stopBeating = this.#leases.heartbeat(job.id, {
      onLost: () => execution.leaseLost(),
      // A cancel asked for through another replica.
      onCancelling: () => void (execution.cancelRequested || execution.cancel()),
    });
    const done = (async () => {
      // A job that waited (or waited to settle its cancel) runs now.
      if (job.state === 'waiting' || job.error !== null) {
        const patch = { state: job.state === 'waiting' ? 'running' : job.state, error: null, updatedAt: this.#now() } as const;
        await this.#context.store.updateJob(job.id, patch).catch(() => {});
      }
      this.#context.logger.info({ job_id: job.id, action: job.action, state: job.state, replica: this.#leases.replicaId }, 'bulk job running');
      const end = await execution.run();
      stopBeating();
      await this.#locks.run(job.id, () => this.#ended(job, end, execution.cancelRequested, TOKEN_REFUSED));
    })()
      .catch((error: unknown) => this.#context.logger.error({ err: error, job_id: job.id }, 'bulk job failed'))
      .finally(() => {
        stopBeating();
        this.#executions.delete(job.id);
      });
    this.#executions.set(job.id, { execution, done });
  }

  /** After a run: a lost job is left to the replica that holds it; otherwise its end is stored and its lease released. */
  async #ended(job: JobRecord, end: ExecutionEnd, cancelled: boolean, waitReason: string): Promise<void> {
    if (end === 'lost') {
      this.#tokens.delete(job.id);
      this.#leases.lost(job.id);
      return;
    }
    await this.#recordEnd(job, end, cancelled, waitReason);
    // A run the store halted keeps its lease: this replica tries it again after storeRetryMs.
    if (end !== 'store') await this.#leases.release(job.id);
  }

  /** Stores how a run ended; a store failure is retried after storeRetryMs with the token kept. */
  async #recordEnd(job: JobRecord, end: Exclude<ExecutionEnd, 'lost'>, cancelled: boolean, waitReason: string): Promise<void> {
    const at = this.#now();
    this.#context.logger.info({ job_id: job.id, end }, 'bulk job run ended');
    if (end === 'stopped') return;
    if (end === 'waiting') this.#tokens.delete(job.id);
    // Written only while this replica still holds the job: one that lost it meanwhile leaves the job to its new holder.
    const fence = { heldBy: this.#leases.replicaId };
    try {
      if (end === 'store') throw new Error('store');
      let wrote: boolean;
      if (end === 'waiting') {
        // A cancel asked for stays asked for: the job then waits in `cancelling` for a token to settle its in-flight children.
        wrote = await this.#context.store.updateJob(job.id, { state: cancelled ? 'cancelling' : 'waiting', error: waitReason.replace('{job_id}', job.id), updatedAt: at }, fence);
      } else {
        wrote = await this.#context.store.updateJob(job.id, { state: end, finishedAt: at, error: null, updatedAt: at }, fence);
        // A token is kept no longer than its job needs it.
        this.#tokens.delete(job.id);
      }
      if (!wrote) this.#leases.lost(job.id);
    } catch {
      if (this.#stopped) return;
      this.#retries.set(job.id, setTimeout(() => void this.#retry(job.id), this.#storeRetryMs).unref());
    }
  }

  /** Runs a halted job again once this replica can claim it (another replica may have taken it meanwhile). */
  async #retry(jobId: string): Promise<void> {
    this.#retries.delete(jobId);
    let job: JobRecord | undefined;
    let claimed: boolean;
    try {
      job = await this.#context.store.getJob(jobId);
      claimed = job !== undefined && job.state !== 'finished' && job.state !== 'cancelled' && (await this.#leases.claim(job));
    } catch {
      if (!this.#stopped) this.#retries.set(jobId, setTimeout(() => void this.#retry(jobId), this.#storeRetryMs).unref());
      return;
    }
    if (claimed) this.#launch(job!);
    else this.#tokens.delete(jobId);
  }
}
