// The facade's durable store: what it must keep across restarts (audit trail, room deletions, bulk jobs),
// behind one narrow interface so the embedded SQLite and a PostgreSQL implementation answer alike.
import type { IndexKind } from './index-fields.ts';

/** Who did something: a verified admin's user ID, or a fingerprint of an unverified token (never the token). */
export type Actor = { user_id: string } | { token_fingerprint: string };

/** Where an audit row comes from. */
export type AuditKind = 'owned' | 'pass-through' | 'login' | 'job';

/** One audit row as written; `at` and `duration_ms` in milliseconds. Never holds a token, password or pass-through body. */
export interface AuditEntryInput {
  at: number;
  kind: AuditKind;
  /** What was done, e.g. `room.block`, `room.delete`, `pass_through`, `login`, `job.create`. */
  action: string;
  method: string | null;
  /** The path without its query (tokens may travel there); secrets in path segments are masked by the writer. */
  path: string | null;
  roomId: string | null;
  /** The admin's user ID, `token:<fingerprint>`, or for a login the user who tried. */
  admin: string | null;
  /** The status the client got (null when none, e.g. Synapse unreachable). */
  status: number | null;
  durationMs: number | null;
  requestId: string | null;
  /** Route-specific fields: body flags of owned mutations, delete_id, job_id, error text. JSON-serialisable. */
  details: Record<string, unknown>;
}

/** A stored audit row; `id` is a decimal string (a 64-bit sequence on PostgreSQL). */
export interface AuditEntry extends AuditEntryInput {
  id: string;
}

/** A position in the newest-first audit order: rows strictly older than it come next. */
export interface AuditPosition {
  at: number;
  id: string;
}

/** Filters of an audit listing (all optional, combined with AND); times in milliseconds, inclusive. */
export interface AuditQuery {
  roomId?: string;
  admin?: string;
  action?: string;
  since?: number;
  until?: number;
  /** Keyset cursor: only rows older than this position. */
  before?: AuditPosition;
  limit: number;
}

/** API of a room delete: v1 (synchronous, the facade names it) or v2 (Synapse's task, Synapse names it). */
export type DeleteApi = 'v1' | 'v2';

/** A room delete the facade sent, as first recorded. */
export interface DeleteStart {
  deleteId: string;
  api: DeleteApi;
  roomId: string;
  admin: string | null;
  requestedAt: number;
  /** The body's flags (block, purge, force_purge, new_room_user_id…), bounded as in the audit. */
  flags: Record<string, unknown>;
  jobId?: string | null;
}

/** One status of a delete, when the facade first saw it. */
export interface DeleteStatusSeen {
  status: string;
  at: number;
}

/** A recorded room delete with every status seen. */
export interface DeleteRecord extends DeleteStart {
  /** The newest status seen: scheduled, active, complete, failed (or another name Synapse sends). */
  status: string;
  updatedAt: number;
  finishedAt: number | null;
  /** Synapse's `shutdown_room` result (v2) or the v1 answer, once known. */
  shutdownRoom: Record<string, unknown> | null;
  error: string | null;
  history: DeleteStatusSeen[];
}

/** What a delete status seen adds: its time, and for a final one the result or error. */
export interface DeleteProgressNote {
  status: string;
  at: number;
  final: boolean;
  shutdownRoom?: Record<string, unknown> | null;
  error?: string | null;
}

/** Bulk job actions. */
export type JobAction = 'block' | 'unblock' | 'delete';
/** A job's life: running (or waiting for a token after a restart), then finished or cancelled. */
export type JobState = 'running' | 'waiting' | 'cancelling' | 'cancelled' | 'finished';
/** A child's life; `sending` is written before the request leaves, so a crash leaves it for reconciliation. */
export type ChildState = 'pending' | 'sending' | 'following' | 'done' | 'failed' | 'skipped';

/** A job as created. */
export interface JobStart {
  id: string;
  action: JobAction;
  options: Record<string, unknown>;
  admin: string;
  concurrency: number;
  paceMs: number;
  createdAt: number;
  /** SHA-256 of the exact room list, as bound into its confirm token. */
  listHash: string;
  rooms: readonly string[];
  /** The replica that runs it from the start, and until when (ms) without a renewal; default none. */
  lease?: { owner: string; until: number };
}

/** A stored job with its children counted by state. */
export interface JobRecord extends Omit<JobStart, 'rooms' | 'lease'> {
  state: JobState;
  updatedAt: number;
  finishedAt: number | null;
  error: string | null;
  roomCount: number;
  counts: Partial<Record<ChildState, number>>;
  /** The replica (REPLICA_ID) holding the job's lease, null when none does. */
  owner: string | null;
  /** When that lease ends unless renewed, milliseconds; null when none. A lease ending at or before now has expired. */
  leaseUntil: number | null;
}

/** A replica's claim on a job: `owner` holds it until `until`; leases ending at or before `now` have expired. Milliseconds. */
export interface JobClaim {
  owner: string;
  until: number;
  now: number;
}

/** One room of a job. */
export interface JobChild {
  jobId: string;
  position: number;
  roomId: string;
  state: ChildState;
  updatedAt: number;
  sentAt: number | null;
  deleteId: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
}

/**
 * Fields a child update may set. With `heldBy` it is written only while that replica holds the job's lease and no
 * cancel was asked for: the fence of a child's `sending`. A claim by another replica waits for such a write, so the
 * taker reads the child as `sending` (and never resends it).
 */
export type JobChildPatch = Partial<Pick<JobChild, 'state' | 'sentAt' | 'deleteId' | 'result' | 'error'>> & { updatedAt: number; heldBy?: string };
/** Fields a job update may set. */
export type JobPatch = Partial<Pick<JobRecord, 'state' | 'finishedAt' | 'error'>> & { updatedAt: number };

/** The two indexes: Synapse's room list and destinations list, as the facade last saw them. */
export type { IndexKind };

/** A list item as Synapse sent it (normalised), under its key (room ID or destination). */
export interface IndexedItemInput {
  key: string;
  item: Record<string, unknown>;
}

/** Filters of an index query, combined with AND; field names are the list's own. */
export interface IndexFilter {
  /** Substring of the search text, already normalised (normaliseSearch). */
  q?: string;
  /** Field equals value (booleans as booleans). */
  equals?: Readonly<Record<string, string | number | boolean>>;
  /** Field present (true) or absent/null (false). */
  present?: Readonly<Record<string, boolean>>;
  /** Inclusive bounds of integer fields. */
  ranges?: Readonly<Record<string, { min?: number; max?: number }>>;
  /** Rooms only: the facade's knowledge of the block flag (true, false; unknown rooms match neither). */
  blocked?: boolean;
}

/** A position in an index order: the sort value of a row and its key. */
export interface IndexPosition {
  value: string | number | null;
  key: string;
}

/** One page of an index: sorted by a field (or `first_seen`, or the key), NULLs always last, ties by key. */
export interface IndexQuery {
  kind: IndexKind;
  filter: IndexFilter;
  orderBy: string;
  descending: boolean;
  /** Rows after this position (the next page)… */
  after?: IndexPosition;
  /** …or the rows just before it (the previous page), answered in the page's own order. */
  before?: IndexPosition;
  limit: number;
}

/** A row of an index. */
export interface IndexedRow {
  key: string;
  item: Record<string, unknown>;
  firstSeen: number;
  lastSeen: number;
  /** Rooms: blocked as far as the facade knows (its own block calls), null when unknown. */
  blocked: boolean | null;
}

/** One sweep of an index. */
export interface SweepRecord {
  kind: IndexKind;
  startedAt: number;
  finishedAt: number;
  /** Every page read to the end (only a complete sweep removes rows). */
  complete: boolean;
  upstreamRequests: number;
  rows: number;
  /** Rows removed after missing from two consecutive complete sweeps. */
  removed: number;
}

/** Figures of both indexes. */
export interface IndexSummary {
  rooms: { total: number; byVersion: Record<string, number>; encrypted: number; public: number; spaces: number; empty: number };
  destinations: { total: number; failing: number; oldestFailureTs: number | null };
}

/** The store every durable feature uses. Every method may reject (the database is down): callers decide what that costs. */
export interface Store {
  /** `sqlite` or `postgres`, for logs and /_facade/v1 answers. */
  readonly kind: string;

  appendAudit(entry: AuditEntryInput): Promise<void>;
  /** Newest first, by (at, id). */
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** Removes at most `batch` rows older than `before`; answers how many went. */
  pruneAudit(before: number, batch: number): Promise<number>;

  recordDeleteStart(start: DeleteStart): Promise<void>;
  /** Adds a status to a known delete's history when it differs from the newest; answers whether it did. */
  recordDeleteProgress(deleteId: string, note: DeleteProgressNote): Promise<boolean>;
  getDelete(deleteId: string): Promise<DeleteRecord | undefined>;
  /** Oldest first. */
  deletesOfRoom(roomId: string): Promise<DeleteRecord[]>;
  /** Deletes without a final status, oldest first. */
  unfinishedDeletes(api: DeleteApi): Promise<DeleteRecord[]>;

  createJob(job: JobStart): Promise<void>;
  getJob(id: string): Promise<JobRecord | undefined>;
  /** Newest first; `before` is the created_at/id position of the last job of the previous page. */
  listJobs(query: { limit: number; before?: { createdAt: number; id: string } }): Promise<JobRecord[]>;
  /** Jobs in state running, waiting or cancelling, oldest first. */
  unfinishedJobs(): Promise<JobRecord[]>;
  /** Writes the patch; with `fence`, only while that replica holds the job's lease. Answers whether it wrote. */
  updateJob(id: string, patch: JobPatch, fence?: { heldBy: string }): Promise<boolean>;
  /** In list order; `states` keeps only children in those states. */
  jobChildren(id: string, query?: { states?: readonly ChildState[]; limit?: number; afterPosition?: number }): Promise<JobChild[]>;
  /** Answers whether the child was written (false: no such child, or the `heldBy` fence held it back). */
  updateJobChild(jobId: string, position: number, patch: JobChildPatch): Promise<boolean>;
  /**
   * Compare-and-set: gives an unfinished job's lease to `claim.owner` when nobody holds it, that replica already
   * does, or its lease has expired at `claim.now`; answers whether it did. Of two replicas claiming at once, one wins.
   */
  claimJob(id: string, claim: JobClaim): Promise<boolean>;
  /**
   * The heartbeat: extends the lease to `until` while `owner` still holds it (expired or not, as long as no other
   * replica has claimed it since); answers the job's state then (a `cancelling` another replica wrote), else undefined.
   */
  renewJobLease(id: string, owner: string, until: number): Promise<JobState | undefined>;
  /** Clears the job's owner and lease when `owner` holds it (its run ended, or its replica stops). */
  releaseJob(id: string, owner: string): Promise<void>;
  /** Unfinished jobs whose lease is free at `now` (unowned or expired), oldest first. */
  claimableJobs(now: number): Promise<JobRecord[]>;
  /** IDs of the unfinished jobs a replica holds a live lease on at `now`. */
  leasedJobIds(now: number): Promise<string[]>;

  /** Inserts or refreshes index rows seen at `seenAt` (first_seen kept, last_seen set, missed count reset). */
  upsertIndexed(kind: IndexKind, items: readonly IndexedItemInput[], seenAt: number): Promise<void>;
  /** Records a sweep; a complete one counts a miss for every row it did not see and removes rows missed twice. */
  finishIndexSweep(sweep: Omit<SweepRecord, 'removed'>): Promise<SweepRecord>;
  /** The newest complete sweep of an index. */
  lastIndexSweep(kind: IndexKind): Promise<SweepRecord | undefined>;
  queryIndex(query: IndexQuery): Promise<IndexedRow[]>;
  countIndex(kind: IndexKind, filter: IndexFilter): Promise<number>;
  indexSummary(): Promise<IndexSummary>;
  /** A block or unblock through the facade; null forgets what was known. */
  setRoomBlocked(roomId: string, blocked: boolean | null): Promise<void>;
  /** A row known gone (a room deleted through the facade). */
  removeIndexed(kind: IndexKind, key: string): Promise<void>;

  /** A random secret kept in the store (created on first use), e.g. the key of confirm tokens. */
  secret(name: string): Promise<Buffer>;

  close(): Promise<void>;
}

/** Thrown by a store that could not be opened (and is retrying). */
export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('The facade store is unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}
