// The bulk jobs' queries in portable SQL: a job and its children (one row per room), the lease a replica holds
// on a job (claim, renewal, release), and the fence that lets only that replica write a child `sending`. Used by
// SqlStore; one instance per executor.
import type { SqlExecutor, SqlValue } from './internal/executor.ts';
import { PLACEHOLDER_CHUNK, fromJson, num, numOrNull, setClause, type Row } from './internal/rows.ts';
import type { ChildState, JobChild, JobChildPatch, JobClaim, JobPatch, JobRecord, JobStart, JobState } from './store.ts';

function jobFromRow(row: Row, counts: JobRecord['counts']): JobRecord {
  return {
    id: String(row.id),
    action: row.action as JobRecord['action'],
    options: fromJson<Record<string, unknown>>(row.options) ?? {},
    admin: String(row.admin),
    state: row.state as JobRecord['state'],
    concurrency: num(row.concurrency),
    paceMs: num(row.pace_ms),
    listHash: String(row.list_hash),
    roomCount: num(row.room_count),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    finishedAt: numOrNull(row.finished_at),
    error: (row.error as string | null) ?? null,
    counts,
    owner: (row.owner as string | null) ?? null,
    leaseUntil: numOrNull(row.lease_until),
  };
}

function childFromRow(row: Row): JobChild {
  return {
    jobId: String(row.job_id),
    position: num(row.position),
    roomId: String(row.room_id),
    state: row.state as ChildState,
    updatedAt: num(row.updated_at),
    sentAt: numOrNull(row.sent_at),
    deleteId: (row.delete_id as string | null) ?? null,
    result: fromJson<Record<string, unknown>>(row.result),
    error: (row.error as string | null) ?? null,
  };
}

const JOB_COLUMNS = { state: 'state', finishedAt: 'finished_at', error: 'error', updatedAt: 'updated_at' } as const;
const CHILD_COLUMNS = { state: 'state', sentAt: 'sent_at', deleteId: 'delete_id', result: 'result', error: 'error', updatedAt: 'updated_at' } as const;
/** The states a job may still run in (a lease is only ever held on these). */
const UNFINISHED = "state IN ('running', 'waiting', 'cancelling')";
/** A lease nobody holds at the `?` time: unowned, or ended at or before it. */
const LEASE_FREE = '(owner IS NULL OR lease_until IS NULL OR lease_until <= ?)';
/**
 * The lock a fence's read of the job takes, by store kind. SQLite runs one writing statement at a time, so its read
 * needs none; PostgreSQL's FOR SHARE holds a claim's UPDATE of that row until the fenced write has committed.
 */
const ROW_LOCK: Readonly<Record<string, string>> = { postgres: ' FOR SHARE' };

/** The job operations of a SqlStore. */
export class JobQueries {
  readonly #sql: SqlExecutor;
  /** The store's kind ('sqlite' or 'postgres'), for the fence's row lock. */
  readonly #kind: string;

  constructor(sql: SqlExecutor, kind: string) {
    this.#sql = sql;
    this.#kind = kind;
  }

  async createJob(job: JobStart): Promise<void> {
    // Created with its lease, no other replica's takeover comes between a job and its claim.
    const lease = [job.lease?.owner ?? null, job.lease?.until ?? null];
    await this.#sql.transaction(async (tx) => {
      await tx.run(
        'INSERT INTO jobs (id, action, options, admin, state, concurrency, pace_ms, list_hash, room_count, created_at, updated_at, owner, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [job.id, job.action, JSON.stringify(job.options), job.admin, 'running', job.concurrency, job.paceMs, job.listHash, job.rooms.length, job.createdAt, job.createdAt, ...lease],
      );
      for (let start = 0; start < job.rooms.length; start += PLACEHOLDER_CHUNK) {
        const chunk = job.rooms.slice(start, start + PLACEHOLDER_CHUNK);
        const values = chunk.flatMap((roomId, index): SqlValue[] => [job.id, start + index, roomId, 'pending', job.createdAt]);
        await tx.run(`INSERT INTO job_children (job_id, position, room_id, state, updated_at) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`, values);
      }
    });
  }

  async #counts(jobId: string): Promise<JobRecord['counts']> {
    const rows = await this.#sql.all<Row>('SELECT state, COUNT(*) AS n FROM job_children WHERE job_id = ? GROUP BY state', [jobId]);
    return Object.fromEntries(rows.map((row) => [String(row.state), num(row.n)]));
  }

  async #jobs(rows: Row[]): Promise<JobRecord[]> {
    const jobs: JobRecord[] = [];
    for (const row of rows) jobs.push(jobFromRow(row, await this.#counts(String(row.id))));
    return jobs;
  }

  async getJob(id: string): Promise<JobRecord | undefined> {
    const row = await this.#sql.get<Row>('SELECT * FROM jobs WHERE id = ?', [id]);
    return row ? (await this.#jobs([row]))[0] : undefined;
  }

  async listJobs({ limit, before }: { limit: number; before?: { createdAt: number; id: string } }): Promise<JobRecord[]> {
    const keyset = before ? 'WHERE (created_at < ? OR (created_at = ? AND id < ?))' : '';
    const values: SqlValue[] = before ? [before.createdAt, before.createdAt, before.id] : [];
    return this.#jobs(await this.#sql.all<Row>(`SELECT * FROM jobs ${keyset} ORDER BY created_at DESC, id DESC LIMIT ?`, [...values, limit]));
  }

  async unfinishedJobs(): Promise<JobRecord[]> {
    return this.#jobs(await this.#sql.all<Row>(`SELECT * FROM jobs WHERE ${UNFINISHED} ORDER BY created_at, id`));
  }

  async claimJob(id: string, { owner, until, now }: JobClaim): Promise<boolean> {
    const { changes } = await this.#sql.run(
      `UPDATE jobs SET owner = ?, lease_until = ? WHERE id = ? AND ${UNFINISHED} AND (owner = ? OR ${LEASE_FREE})`,
      [owner, until, id, owner, now],
    );
    return changes === 1;
  }

  async renewJobLease(id: string, owner: string, until: number): Promise<JobState | undefined> {
    const row = await this.#sql.get<Row>('UPDATE jobs SET lease_until = ? WHERE id = ? AND owner = ? RETURNING state', [until, id, owner]);
    return row?.state as JobState | undefined;
  }

  async releaseJob(id: string, owner: string): Promise<void> {
    await this.#sql.run('UPDATE jobs SET owner = NULL, lease_until = NULL WHERE id = ? AND owner = ?', [id, owner]);
  }

  async claimableJobs(now: number): Promise<JobRecord[]> {
    return this.#jobs(await this.#sql.all<Row>(`SELECT * FROM jobs WHERE ${UNFINISHED} AND ${LEASE_FREE} ORDER BY created_at, id`, [now]));
  }

  async leasedJobIds(now: number): Promise<string[]> {
    const rows = await this.#sql.all<Row>(`SELECT id FROM jobs WHERE ${UNFINISHED} AND owner IS NOT NULL AND lease_until > ? ORDER BY id`, [now]);
    return rows.map((row) => String(row.id));
  }

  async updateJob(id: string, patch: JobPatch, fence?: { heldBy: string }): Promise<boolean> {
    const { sql, values } = setClause(patch, JOB_COLUMNS);
    const held = fence ? ' AND owner = ?' : '';
    const { changes } = await this.#sql.run(`UPDATE jobs SET ${sql} WHERE id = ?${held}`, [...values, id, ...(fence ? [fence.heldBy] : [])]);
    return changes === 1;
  }

  async jobChildren(id: string, { states, limit, afterPosition }: { states?: readonly ChildState[]; limit?: number; afterPosition?: number } = {}): Promise<JobChild[]> {
    const where = ['job_id = ?'];
    const values: SqlValue[] = [id];
    if (states?.length) {
      where.push(`state IN (${states.map(() => '?').join(', ')})`);
      values.push(...states);
    }
    if (afterPosition !== undefined) {
      where.push('position > ?');
      values.push(afterPosition);
    }
    const limitSql = limit === undefined ? '' : ' LIMIT ?';
    if (limit !== undefined) values.push(limit);
    const rows = await this.#sql.all<Row>(`SELECT * FROM job_children WHERE ${where.join(' AND ')} ORDER BY position${limitSql}`, values);
    return rows.map(childFromRow);
  }

  async updateJobChild(jobId: string, position: number, { heldBy, ...patch }: JobChildPatch): Promise<boolean> {
    const { sql, values } = setClause(patch, CHILD_COLUMNS, new Set(['result']));
    // One statement, so atomic on SQLite; PostgreSQL's FOR SHARE makes a concurrent claim of the job wait for it.
    const fence = heldBy === undefined ? '' : ` AND EXISTS (SELECT 1 FROM jobs WHERE id = ? AND owner = ? AND state <> 'cancelling'${ROW_LOCK[this.#kind] ?? ''})`;
    const fenceValues = heldBy === undefined ? [] : [jobId, heldBy];
    const { changes } = await this.#sql.run(`UPDATE job_children SET ${sql} WHERE job_id = ? AND position = ?${fence}`, [...values, jobId, position, ...fenceValues]);
    return changes === 1;
  }
}
