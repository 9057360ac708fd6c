// A replica's leases on the jobs it runs: the claim (a compare-and-set in the store: one replica wins), the
// heartbeat that renews it every third of the lease while the job runs, and the release when a run ends.
import type { FacadeContext } from '../../pipeline/context.ts';
import type { JobRecord } from '../../store/store.ts';

/** Who holds the leases and for how long. */
export interface LeaseSettings {
  /** This replica's name (REPLICA_ID). */
  replicaId: string;
  /** A claim's length without a renewal, milliseconds. */
  leaseMs: number;
  now: () => number;
}

/** What a renewal can find besides "still ours, still running". */
export interface HeartbeatHandlers {
  /** Another replica claimed the job (this one was too late to renew): the run must halt and write nothing more. */
  onLost: () => void;
  /** Another replica asked for a cancel. */
  onCancelling: () => void;
}

/** Claims, renews and releases the leases of one replica; each claim and takeover is logged with the job and replica. */
export class JobLeases {
  readonly #context: FacadeContext;
  readonly #settings: LeaseSettings;

  constructor(context: FacadeContext, settings: LeaseSettings) {
    this.#context = context;
    this.#settings = settings;
  }

  /** This replica's name. */
  get replicaId(): string {
    return this.#settings.replicaId;
  }

  /** A third of the lease: how often the heartbeat renews it, and how often the takeover loop looks for expired ones. */
  get beatMs(): number {
    return Math.floor(this.#settings.leaseMs / 3);
  }

  /** The lease of a job this replica creates (and runs at once). */
  fresh(): { owner: string; until: number } {
    return { owner: this.#settings.replicaId, until: this.#settings.now() + this.#settings.leaseMs };
  }

  /** Logs the claim a create made with {@link fresh}. */
  created(jobId: string): void {
    this.#context.logger.info({ job_id: jobId, replica: this.replicaId }, 'bulk job claimed');
  }

  /**
   * Claims `job` for this replica; answers false when another live replica holds it. With `anyLease` every lease
   * counts as ended (a store no other replica shares: a lease found there is a previous process's). May reject.
   */
  async claim(job: JobRecord, { anyLease = false }: { anyLease?: boolean } = {}): Promise<boolean> {
    const { replicaId, leaseMs, now } = this.#settings;
    const at = now();
    const claimed = await this.#context.store.claimJob(job.id, { owner: replicaId, until: at + leaseMs, now: anyLease ? Number.MAX_SAFE_INTEGER : at });
    if (!claimed) return false;
    const takenFrom = job.owner !== null && job.owner !== replicaId ? { previous_replica: job.owner, lease_until: job.leaseUntil } : undefined;
    this.#context.logger.info({ job_id: job.id, replica: replicaId, ...takenFrom }, takenFrom ? 'bulk job taken over' : 'bulk job claimed');
    return true;
  }

  /**
   * Renews `jobId`'s lease every third of it (timers unref'd) until the returned function is called. A renewal the
   * store fails is only skipped: the next one may succeed, and a child is never sent without the lease anyway.
   */
  heartbeat(jobId: string, { onLost, onCancelling }: HeartbeatHandlers): () => void {
    const { replicaId, leaseMs, now } = this.#settings;
    let renewing = false;
    let stopped = false;
    const beat = async () => {
      // A slow store never gets a second renewal of the same job piled on the first.
      if (renewing) return;
      renewing = true;
      try {
        const state = await this.#context.store.renewJobLease(jobId, replicaId, now() + leaseMs);
        if (stopped) return;
        if (state === undefined) {
          stop();
          onLost();
        } else if (state === 'cancelling') onCancelling();
      } catch {
        // The store's own hook logged and counted it.
      } finally {
        renewing = false;
      }
    };
    const timer = setInterval(() => void beat(), this.beatMs).unref();
    const stop = () => {
      stopped = true;
      clearInterval(timer);
    };
    return stop;
  }

  /** Gives `jobId` back (nothing when another replica holds it by now); never rejects. */
  async release(jobId: string): Promise<void> {
    await this.#context.store.releaseJob(jobId, this.#settings.replicaId).catch(() => {});
  }

  /** Logs that another replica holds a job this one was running. */
  lost(jobId: string): void {
    this.#context.logger.info({ job_id: jobId, replica: this.replicaId }, 'bulk job lease lost: another replica runs it');
  }
}
