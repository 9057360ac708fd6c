// The store's queries, written once in portable SQL over a SqlExecutor (SQLite now, PostgreSQL next).
import { randomBytes } from 'node:crypto';
import { IndexQueries, type IndexQueriesOptions } from './index-store.ts';
import type { SearchIndexKind } from './migrations.ts';
import type { IndexKind } from './index-fields.ts';
import type { SqlExecutor, SqlValue } from './internal/executor.ts';
import type {
  AuditEntry,
  AuditEntryInput,
  AuditQuery,
  ChildState,
  DeleteApi,
  DeleteProgressNote,
  DeleteRecord,
  DeleteStart,
  IndexedItemInput,
  IndexedRow,
  IndexFilter,
  IndexQuery,
  IndexSummary,
  SweepRecord,
  JobChild,
  JobChildPatch,
  JobClaim,
  JobPatch,
  JobRecord,
  JobStart,
  JobState,
  Store,
} from './store.ts';

/** Rows are written or looked up in chunks of this many, to stay under every driver's placeholder limit. */
const PLACEHOLDER_CHUNK = 200;

const toJson = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
const fromJson = <T>(text: unknown): T | null => (typeof text === 'string' ? (JSON.parse(text) as T) : null);
const num = (value: unknown): number => Number(value);
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

type Row = Record<string, unknown>;

function auditFromRow(row: Row): AuditEntry {
  return {
    id: String(row.id),
    at: num(row.at),
    kind: row.kind as AuditEntry['kind'],
    action: String(row.action),
    method: (row.method as string | null) ?? null,
    path: (row.path as string | null) ?? null,
    roomId: (row.room_id as string | null) ?? null,
    admin: (row.admin as string | null) ?? null,
    status: numOrNull(row.status),
    durationMs: numOrNull(row.duration_ms),
    requestId: (row.request_id as string | null) ?? null,
    details: fromJson<Record<string, unknown>>(row.details) ?? {},
  };
}

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

/** `SET a = ?, b = ?` and its values, for the defined fields of a patch (column names from a fixed map). */
function setClause(patch: Record<string, unknown>, columns: Readonly<Record<string, string>>, json: ReadonlySet<string> = new Set()) {
  const parts: string[] = [];
  const values: SqlValue[] = [];
  for (const [field, column] of Object.entries(columns)) {
    if (!(field in patch) || patch[field] === undefined) continue;
    parts.push(`${column} = ?`);
    values.push(json.has(field) ? toJson(patch[field]) : (patch[field] as SqlValue));
  }
  return { sql: parts.join(', '), values };
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

/** A Store over any SqlExecutor. */
export class SqlStore implements Store {
  readonly kind: string;
  readonly #sql: SqlExecutor;
  readonly #index: IndexQueries;

  constructor(kind: string, sql: SqlExecutor, search: SearchIndexKind, indexOptions: IndexQueriesOptions = {}) {
    this.kind = kind;
    this.#sql = sql;
    this.#index = new IndexQueries(sql, search, indexOptions);
  }

  upsertIndexed(kind: IndexKind, items: readonly IndexedItemInput[], seenAt: number): Promise<void> {
    return this.#index.upsert(kind, items, seenAt);
  }

  finishIndexSweep(sweep: Omit<SweepRecord, 'removed'>): Promise<SweepRecord> {
    return this.#index.finishSweep(sweep);
  }

  lastIndexSweep(kind: IndexKind): Promise<SweepRecord | undefined> {
    return this.#index.lastSweep(kind);
  }

  queryIndex(query: IndexQuery): Promise<IndexedRow[]> {
    return this.#index.query(query);
  }

  countIndex(kind: IndexKind, filter: IndexFilter): Promise<number> {
    return this.#index.count(kind, filter);
  }

  indexSummary(): Promise<IndexSummary> {
    return this.#index.summary();
  }

  setRoomBlocked(roomId: string, blocked: boolean | null): Promise<void> {
    return this.#index.setBlocked(roomId, blocked);
  }

  removeIndexed(kind: IndexKind, key: string): Promise<void> {
    return this.#index.remove(kind, key);
  }

  async appendAudit(entry: AuditEntryInput): Promise<void> {
    await this.#sql.run(
      'INSERT INTO audit (at, kind, action, method, path, room_id, admin, status, duration_ms, request_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [entry.at, entry.kind, entry.action, entry.method, entry.path, entry.roomId, entry.admin, entry.status, entry.durationMs, entry.requestId, JSON.stringify(entry.details)],
    );
  }

  async listAudit({ roomId, admin, action, since, until, before, limit }: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const values: SqlValue[] = [];
    const add = (clause: string, ...params: SqlValue[]) => {
      where.push(clause);
      values.push(...params);
    };
    if (roomId !== undefined) add('room_id = ?', roomId);
    if (admin !== undefined) add('admin = ?', admin);
    if (action !== undefined) add('action = ?', action);
    if (since !== undefined) add('at >= ?', since);
    if (until !== undefined) add('at <= ?', until);
    // Keyset: (at, id) < (before.at, before.id), spelt out for databases without row comparisons in indexes.
    if (before !== undefined) add('(at < ? OR (at = ? AND id < ?))', before.at, before.at, BigInt(before.id));
    const rows = await this.#sql.all<Row>(
      `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`,
      [...values, limit],
    );
    return rows.map(auditFromRow);
  }

  async pruneAudit(before: number, batch: number): Promise<number> {
    const { changes } = await this.#sql.run('DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ? ORDER BY at LIMIT ?)', [before, batch]);
    return changes;
  }

  async recordDeleteStart(start: DeleteStart): Promise<void> {
    await this.#sql.transaction(async (tx) => {
      await tx.run(
        'INSERT INTO room_deletes (delete_id, api, room_id, admin, job_id, requested_at, flags, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [start.deleteId, start.api, start.roomId, start.admin, start.jobId ?? null, start.requestedAt, JSON.stringify(start.flags), 'scheduled', start.requestedAt],
      );
      await tx.run('INSERT INTO room_delete_statuses (delete_id, seq, status, at) VALUES (?, 0, ?, ?)', [start.deleteId, 'scheduled', start.requestedAt]);
    });
  }

  async recordDeleteProgress(deleteId: string, note: DeleteProgressNote): Promise<boolean> {
    return this.#sql.transaction(async (tx) => {
      const row = await tx.get<Row>('SELECT status, finished_at FROM room_deletes WHERE delete_id = ?', [deleteId]);
      // Unknown to the store, or already final: a final status is never replaced.
      if (!row || row.finished_at !== null || row.status === note.status) return false;
      const seq = await tx.get<{ next: number }>('SELECT COALESCE(MAX(seq), -1) + 1 AS next FROM room_delete_statuses WHERE delete_id = ?', [deleteId]);
      await tx.run('INSERT INTO room_delete_statuses (delete_id, seq, status, at) VALUES (?, ?, ?, ?)', [deleteId, num(seq?.next ?? 0), note.status, note.at]);
      await tx.run('UPDATE room_deletes SET status = ?, updated_at = ?, finished_at = ?, shutdown_room = ?, error = ? WHERE delete_id = ?', [
        note.status,
        note.at,
        note.final ? note.at : null,
        toJson(note.shutdownRoom ?? null),
        note.error ?? null,
        deleteId,
      ]);
      return true;
    });
  }

  /** The records of `rows` with their histories, read in one query per PLACEHOLDER_CHUNK deletes (not one per delete). */
  async #withHistory(rows: Row[]): Promise<DeleteRecord[]> {
    const histories = new Map<string, DeleteRecord['history']>();
    for (let start = 0; start < rows.length; start += PLACEHOLDER_CHUNK) {
      const ids = rows.slice(start, start + PLACEHOLDER_CHUNK).map((row) => String(row.delete_id));
      const seen = await this.#sql.all<Row>(
        `SELECT delete_id, status, at FROM room_delete_statuses WHERE delete_id IN (${ids.map(() => '?').join(', ')}) ORDER BY delete_id, seq`,
        ids,
      );
      for (const { delete_id: id, status, at } of seen) {
        const history = histories.get(String(id)) ?? [];
        history.push({ status: String(status), at: num(at) });
        histories.set(String(id), history);
      }
    }
    return rows.map((row) => ({
      deleteId: String(row.delete_id),
      api: row.api as DeleteApi,
      roomId: String(row.room_id),
      admin: (row.admin as string | null) ?? null,
      jobId: (row.job_id as string | null) ?? null,
      requestedAt: num(row.requested_at),
      flags: fromJson<Record<string, unknown>>(row.flags) ?? {},
      status: String(row.status),
      updatedAt: num(row.updated_at),
      finishedAt: numOrNull(row.finished_at),
      shutdownRoom: fromJson<Record<string, unknown>>(row.shutdown_room),
      error: (row.error as string | null) ?? null,
      history: histories.get(String(row.delete_id)) ?? [],
    }));
  }

  async getDelete(deleteId: string): Promise<DeleteRecord | undefined> {
    const row = await this.#sql.get<Row>('SELECT * FROM room_deletes WHERE delete_id = ?', [deleteId]);
    return row ? (await this.#withHistory([row]))[0] : undefined;
  }

  async deletesOfRoom(roomId: string): Promise<DeleteRecord[]> {
    return this.#withHistory(await this.#sql.all<Row>('SELECT * FROM room_deletes WHERE room_id = ? ORDER BY requested_at, delete_id', [roomId]));
  }

  async unfinishedDeletes(api: DeleteApi): Promise<DeleteRecord[]> {
    return this.#withHistory(
      await this.#sql.all<Row>('SELECT * FROM room_deletes WHERE api = ? AND finished_at IS NULL ORDER BY requested_at, delete_id', [api]),
    );
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
    const fence = heldBy === undefined ? '' : ` AND EXISTS (SELECT 1 FROM jobs WHERE id = ? AND owner = ? AND state <> 'cancelling'${ROW_LOCK[this.kind] ?? ''})`;
    const fenceValues = heldBy === undefined ? [] : [jobId, heldBy];
    const { changes } = await this.#sql.run(`UPDATE job_children SET ${sql} WHERE job_id = ? AND position = ?${fence}`, [...values, jobId, position, ...fenceValues]);
    return changes === 1;
  }

  async secret(name: string): Promise<Buffer> {
    return this.#sql.transaction(async (tx) => {
      const row = await tx.get<{ value: string }>('SELECT value FROM facade_secrets WHERE name = ?', [name]);
      if (row) return Buffer.from(row.value, 'base64');
      const value = randomBytes(32);
      await tx.run('INSERT INTO facade_secrets (name, value) VALUES (?, ?)', [name, value.toString('base64')]);
      return value;
    });
  }

  async close(): Promise<void> {
    await this.#sql.close();
  }
}
