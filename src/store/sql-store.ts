// The store's queries, written once in portable SQL over a SqlExecutor (SQLite or PostgreSQL): the audit trail, the
// room deletes and the secrets here, the index's and the jobs' in their own classes.
import { randomBytes } from 'node:crypto';
import { IndexQueries, type IndexQueriesOptions } from './index-store.ts';
import { JobQueries } from './job-queries.ts';
import { PLACEHOLDER_CHUNK, fromJson, num, numOrNull, toJson, type Row } from './internal/rows.ts';
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

/** A Store over any SqlExecutor. */
export class SqlStore implements Store {
  readonly kind: string;
  readonly #sql: SqlExecutor;
  readonly #index: IndexQueries;
  readonly #jobs: JobQueries;

  constructor(kind: string, sql: SqlExecutor, search: SearchIndexKind, indexOptions: IndexQueriesOptions = {}) {
    this.kind = kind;
    this.#sql = sql;
    this.#index = new IndexQueries(sql, search, indexOptions);
    this.#jobs = new JobQueries(sql, kind);
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

  createJob(job: JobStart): Promise<void> {
    return this.#jobs.createJob(job);
  }

  getJob(id: string): Promise<JobRecord | undefined> {
    return this.#jobs.getJob(id);
  }

  listJobs(query: { limit: number; before?: { createdAt: number; id: string } }): Promise<JobRecord[]> {
    return this.#jobs.listJobs(query);
  }

  unfinishedJobs(): Promise<JobRecord[]> {
    return this.#jobs.unfinishedJobs();
  }

  claimJob(id: string, claim: JobClaim): Promise<boolean> {
    return this.#jobs.claimJob(id, claim);
  }

  renewJobLease(id: string, owner: string, until: number): Promise<JobState | undefined> {
    return this.#jobs.renewJobLease(id, owner, until);
  }

  releaseJob(id: string, owner: string): Promise<void> {
    return this.#jobs.releaseJob(id, owner);
  }

  claimableJobs(now: number): Promise<JobRecord[]> {
    return this.#jobs.claimableJobs(now);
  }

  leasedJobIds(now: number): Promise<string[]> {
    return this.#jobs.leasedJobIds(now);
  }

  updateJob(id: string, patch: JobPatch, fence?: { heldBy: string }): Promise<boolean> {
    return this.#jobs.updateJob(id, patch, fence);
  }

  jobChildren(id: string, query?: { states?: readonly ChildState[]; limit?: number; afterPosition?: number }): Promise<JobChild[]> {
    return this.#jobs.jobChildren(id, query);
  }

  updateJobChild(jobId: string, position: number, patch: JobChildPatch): Promise<boolean> {
    return this.#jobs.updateJobChild(jobId, position, patch);
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
