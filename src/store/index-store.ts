// The index's queries in portable SQL: rows refreshed by sweeps, filtered and sorted pages by keyset, counts and
// the summary figures. Used by SqlStore; one instance per executor.
import { LRUCache } from 'lru-cache';
import { INDEXES, normaliseSearch, searchTextOf, type IndexField, type IndexKind } from './index-fields.ts';
import type { SqlExecutor, SqlValue } from './internal/executor.ts';
import { after, orderBy, reversed, type SortKey } from './internal/keyset.ts';
import { searchTableOf, type SearchIndexKind } from './migrations.ts';
import type { IndexedItemInput, IndexedRow, IndexFilter, IndexQuery, IndexSummary, SweepRecord } from './store.ts';

/** Rows written per statement by a sweep page. */
const UPSERT_CHUNK = 100;

type Row = Record<string, unknown>;

/** The stored value of a field: booleans as 0/1, anything not of the field's type as NULL. */
function columnValue(field: IndexField, value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  if (field.type === 'boolean') return typeof value === 'boolean' ? (value ? 1 : 0) : typeof value === 'number' ? (value ? 1 : 0) : null;
  if (field.type === 'integer') return typeof value === 'number' || typeof value === 'bigint' ? value : null;
  return typeof value === 'string' ? value : null;
}

const fieldOf = (kind: IndexKind, name: string): IndexField | undefined => INDEXES[kind].fields.find((field) => field.name === name);

/** The column a query may sort or filter by: a field, `first_seen`, `last_seen` or the key; throws otherwise. */
function columnOf(kind: IndexKind, name: string): string {
  const { key } = INDEXES[kind];
  if (name === key || name === 'first_seen' || name === 'last_seen' || fieldOf(kind, name)) return name;
  throw new Error(`index ${kind} has no field ${name}`);
}

/** LIKE pattern of a substring, with `\` escaping LIKE's own wildcards. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** An FTS5 phrase of `text`: its trigrams in sequence, which is to say the substring. */
const phraseOf = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * The rows SQLite's trigram table lists for the normalised `q` (those holding its trigrams in sequence), joined to
 * `table`, as a FROM clause and its value. CROSS JOIN keeps SQLite from walking a sort index instead.
 */
function listedByTrigrams(table: string, q: string): { sql: string; values: SqlValue[] } {
  const search = searchTableOf(table);
  return { sql: `(SELECT rowid AS listed FROM ${search} WHERE ${search} MATCH ?) AS candidates CROSS JOIN ${table} ON ${table}.seq = candidates.listed`, values: [phraseOf(q)] };
}

/** The WHERE clause of a filter; `withQ` false leaves `q` out (a query compares it itself). */
function whereOf(kind: IndexKind, filter: IndexFilter, withQ = true): { sql: string; values: SqlValue[] } {
  const parts: string[] = [];
  const values: SqlValue[] = [];
  const add = (sql: string, ...params: SqlValue[]) => {
    parts.push(sql);
    values.push(...params);
  };
  // PostgreSQL's planner answers this LIKE from its trigram index on its own.
  if (withQ && filter.q) add("search_text LIKE ? ESCAPE '\\'", containing(normaliseSearch(filter.q)));
  for (const [name, value] of Object.entries(filter.equals ?? {})) {
    parts.push(`${columnOf(kind, name)} = ?`);
    values.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }
  for (const [name, present] of Object.entries(filter.present ?? {})) parts.push(`${columnOf(kind, name)} IS ${present ? 'NOT NULL' : 'NULL'}`);
  for (const [name, { min, max }] of Object.entries(filter.ranges ?? {})) {
    const column = columnOf(kind, name);
    if (min !== undefined) add(`${column} >= ?`, min);
    if (max !== undefined) add(`${column} <= ?`, max);
  }
  if (filter.blocked !== undefined && kind === 'rooms') add('blocked = ?', filter.blocked ? 1 : 0);
  return { sql: parts.length ? parts.join(' AND ') : '1 = 1', values };
}

function rowOf(kind: IndexKind, row: Row): IndexedRow {
  return {
    key: String(row[INDEXES[kind].key]),
    item: JSON.parse(String(row.item)) as Record<string, unknown>,
    firstSeen: Number(row.first_seen),
    lastSeen: Number(row.last_seen),
    blocked: row.blocked === undefined || row.blocked === null ? null : Number(row.blocked) === 1,
  };
}

/** Filtered totals kept at once (each a few dozen bytes). */
const MAX_CACHED_COUNTS = 1_000;

/**
 * A searched page first walks this many rows of the filter in the page's order, comparing each one's text; when
 * they hold a full page, that is the answer (a frequent `q`, which the trigram table would list by the ten thousand).
 * Otherwise the trigram table lists the rows that hold `q`, and only those are sorted (a rare `q`).
 * At 100,000 rooms: walking 2,000 rows costs 1–4 ms (a rare q costs most); listing and sorting 4,000 rows about 8 ms.
 */
const SEARCH_WALK_ROWS = 2_000;

/** A searched total asks the trigram table for at most this many rows; beyond, comparing every row costs less. */
const SEARCH_COUNT_PROBE = 10_000;

/** SQLite's trigram tokenizer makes no token of a text shorter than three characters. */
const TRIGRAM_LENGTH = 3;

/** Options of IndexQueries. */
export interface IndexQueriesOptions {
  /**
   * Keep filtered totals until this process writes to the index (default true). Correct only while this process is
   * the database's only writer: off on PostgreSQL, where another replica's sweep writes rows this one never hears of.
   */
  cacheCounts?: boolean;
}

/** The index operations of a SqlStore. */
export class IndexQueries {
  readonly #sql: SqlExecutor;
  readonly #search: SearchIndexKind;
  /**
   * Filtered totals by index, filter and generation: a total is a full scan (tens of ms at 100,000 rooms) while a
   * keyset page is an index seek, so an admin paging through one filter pays for its count once. Any write to the
   * index (a sweep page, a block, a removal) starts a new generation, so a total is never older than the rows.
   */
  readonly #counts = new LRUCache<string, { generation: number; total: number }>({ max: MAX_CACHED_COUNTS });
  #generation = 0;
  readonly #cacheCounts: boolean;

  constructor(sql: SqlExecutor, search: SearchIndexKind, { cacheCounts = true }: IndexQueriesOptions = {}) {
    this.#sql = sql;
    this.#search = search;
    this.#cacheCounts = cacheCounts;
  }

  /** Whether the normalised `q` can be looked up in SQLite's trigram table. */
  #byTrigrams(q: string): boolean {
    return this.#search === 'fts5-trigram' && [...q].length >= TRIGRAM_LENGTH;
  }

  /** Every write to the index calls this, before and after it: a count read meanwhile is never kept. */
  #changed(): void {
    this.#generation += 1;
  }

  async upsert(kind: IndexKind, items: readonly IndexedItemInput[], seenAt: number): Promise<void> {
    const { table, key, fields } = INDEXES[kind];
    const columns = [key, ...fields.map((field) => field.name), 'item', 'search_text', 'first_seen', 'last_seen', 'missed_sweeps'];
    const refreshed = [...fields.map((field) => field.name), 'item', 'search_text', 'last_seen', 'missed_sweeps'];
    const placeholders = `(${columns.map(() => '?').join(', ')})`;
    this.#changed();
    await this.#sql.transaction(async (tx) => {
      for (let start = 0; start < items.length; start += UPSERT_CHUNK) {
        const chunk = items.slice(start, start + UPSERT_CHUNK);
        const values = chunk.flatMap(({ key: value, item }): SqlValue[] => [
          value,
          ...fields.map((field) => columnValue(field, item[field.name])),
          JSON.stringify(item),
          searchTextOf(kind, value, item),
          seenAt,
          seenAt,
          0,
        ]);
        await tx.run(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${chunk.map(() => placeholders).join(', ')} ` +
            `ON CONFLICT (${key}) DO UPDATE SET ${refreshed.map((column) => `${column} = excluded.${column}`).join(', ')}`,
          values,
        );
      }
    }).finally(() => this.#changed());
  }

  async finishSweep(sweep: Omit<SweepRecord, 'removed'>): Promise<SweepRecord> {
    const { table } = INDEXES[sweep.kind];
    this.#changed();
    return this.#sql.transaction(async (tx) => {
      let removed = 0;
      if (sweep.complete) {
        await tx.run(`UPDATE ${table} SET missed_sweeps = missed_sweeps + 1 WHERE last_seen < ?`, [sweep.startedAt]);
        removed = (await tx.run(`DELETE FROM ${table} WHERE missed_sweeps >= 2`)).changes;
      }
      await tx.run('INSERT INTO index_sweeps (kind, started_at, finished_at, complete, upstream_requests, row_count, removed) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        sweep.kind,
        sweep.startedAt,
        sweep.finishedAt,
        sweep.complete ? 1 : 0,
        sweep.upstreamRequests,
        sweep.rows,
        removed,
      ]);
      return { ...sweep, removed };
    }).finally(() => this.#changed());
  }

  async lastSweep(kind: IndexKind): Promise<SweepRecord | undefined> {
    const row = await this.#sql.get<Row>('SELECT * FROM index_sweeps WHERE kind = ? AND complete = 1 ORDER BY finished_at DESC, id DESC LIMIT 1', [kind]);
    if (!row) return undefined;
    return {
      kind,
      startedAt: Number(row.started_at),
      finishedAt: Number(row.finished_at),
      complete: true,
      upstreamRequests: Number(row.upstream_requests),
      rows: Number(row.row_count),
      removed: Number(row.removed),
    };
  }

  async query({ kind, filter, orderBy: field, descending, after: afterPosition, before, limit }: IndexQuery): Promise<IndexedRow[]> {
    const { table, key } = INDEXES[kind];
    const sortColumn = columnOf(kind, field);
    // NULLs last in both directions, ties by the key in the same direction: one order whatever database Synapse uses.
    const forward: SortKey[] = [
      ...(sortColumn === key ? [] : [{ column: sortColumn, descending, nullsLast: true }]),
      { column: key, descending, nullsLast: true, notNull: true },
    ];
    const keys = before ? reversed(forward) : forward;
    const position = afterPosition ?? before;
    const seek = position ? after(keys, sortColumn === key ? [position.key] : [position.value, position.key]) : undefined;
    const seekSql = seek ? ` AND ${seek.sql}` : '';
    const seekValues = seek?.values ?? [];
    const order = orderBy(keys);
    const q = filter.q ? normaliseSearch(filter.q) : '';
    let rows: Row[];
    if (this.#byTrigrams(q)) {
      const rest = whereOf(kind, filter, false);
      const like = containing(q);
      // The first SEARCH_WALK_ROWS rows in the page's order, narrow (key, sort column, text), then those holding q.
      const sortColumns = [...new Set(['seq', 'search_text', ...keys.map((sortKey) => sortKey.column)])].join(', ');
      rows = await this.#sql.all<Row>(
        `SELECT * FROM ${table} WHERE seq IN (SELECT seq FROM (SELECT ${sortColumns} FROM ${table} WHERE ${rest.sql}${seekSql} ORDER BY ${order} LIMIT ?) AS walked ` +
          `WHERE search_text LIKE ? ESCAPE '\\' ORDER BY ${order} LIMIT ?) ORDER BY ${order}`,
        [...rest.values, ...seekValues, SEARCH_WALK_ROWS, like, limit],
      );
      if (rows.length < limit) {
        // Fewer than a page among them: the rest of the order may hold more, so only the listed rows are sorted.
        const listed = listedByTrigrams(table, q);
        rows = await this.#sql.all<Row>(
          `SELECT ${table}.* FROM ${listed.sql} WHERE search_text LIKE ? ESCAPE '\\' AND ${rest.sql}${seekSql} ORDER BY ${order} LIMIT ?`,
          [...listed.values, like, ...rest.values, ...seekValues, limit],
        );
      }
    } else {
      const where = whereOf(kind, filter);
      rows = await this.#sql.all<Row>(`SELECT * FROM ${table} WHERE ${where.sql}${seekSql} ORDER BY ${order} LIMIT ?`, [...where.values, ...seekValues, limit]);
    }
    const found = rows.map((row) => rowOf(kind, row));
    return before ? found.reverse() : found;
  }

  async count(kind: IndexKind, filter: IndexFilter): Promise<number> {
    const generation = this.#generation;
    const key = `${kind}\u0000${JSON.stringify(filter)}`;
    const cached = this.#cacheCounts ? this.#counts.get(key) : undefined;
    if (cached !== undefined && cached.generation === generation) return cached.total;
    const { table } = INDEXES[kind];
    const q = filter.q ? normaliseSearch(filter.q) : '';
    let from = { sql: table, values: [] as SqlValue[] };
    if (this.#byTrigrams(q)) {
      const search = searchTableOf(table);
      const probe = await this.#sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${search} WHERE ${search} MATCH ? LIMIT ?) AS probe`, [phraseOf(q), SEARCH_COUNT_PROBE + 1]);
      if (Number(probe?.n ?? 0) <= SEARCH_COUNT_PROBE) from = listedByTrigrams(table, q);
    }
    const where = whereOf(kind, filter);
    const row = await this.#sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${from.sql} WHERE ${where.sql}`, [...from.values, ...where.values]);
    const total = Number(row?.n ?? 0);
    // Kept only if no write started or ended while it was counted.
    if (this.#cacheCounts && generation === this.#generation) this.#counts.set(key, { generation, total });
    return total;
  }

  /** The value a row sorts by, for a cursor: the stored column (booleans 0/1), null when absent. */
  static sortValue(kind: IndexKind, field: string, row: IndexedRow): string | number | null {
    if (field === INDEXES[kind].key) return row.key;
    if (field === 'first_seen') return row.firstSeen;
    if (field === 'last_seen') return row.lastSeen;
    const declared = fieldOf(kind, field);
    const value = declared ? columnValue(declared, row.item[field]) : null;
    return typeof value === 'bigint' ? Number(value) : value;
  }

  async summary(): Promise<IndexSummary> {
    const rooms = await this.#sql.get<Row>(
      'SELECT COUNT(*) AS total, ' +
        'SUM(CASE WHEN encryption IS NOT NULL THEN 1 ELSE 0 END) AS encrypted, ' +
        'SUM(CASE WHEN public = 1 THEN 1 ELSE 0 END) AS public_rooms, ' +
        "SUM(CASE WHEN room_type = 'm.space' THEN 1 ELSE 0 END) AS spaces, " +
        'SUM(CASE WHEN joined_local_members = 0 THEN 1 ELSE 0 END) AS empty_rooms FROM index_rooms',
    );
    const versions = await this.#sql.all<Row>('SELECT version, COUNT(*) AS n FROM index_rooms GROUP BY version ORDER BY version');
    const destinations = await this.#sql.get<Row>(
      'SELECT COUNT(*) AS total, SUM(CASE WHEN failure_ts IS NOT NULL THEN 1 ELSE 0 END) AS failing, MIN(failure_ts) AS oldest FROM index_destinations',
    );
    const n = (value: unknown) => Number(value ?? 0);
    return {
      rooms: {
        total: n(rooms?.total),
        byVersion: Object.fromEntries(versions.map((row) => [row.version === null ? 'unknown' : String(row.version), n(row.n)])),
        encrypted: n(rooms?.encrypted),
        public: n(rooms?.public_rooms),
        spaces: n(rooms?.spaces),
        empty: n(rooms?.empty_rooms),
      },
      destinations: {
        total: n(destinations?.total),
        failing: n(destinations?.failing),
        oldestFailureTs: destinations?.oldest === null || destinations?.oldest === undefined ? null : Number(destinations.oldest),
      },
    };
  }

  async setBlocked(roomId: string, blocked: boolean | null): Promise<void> {
    this.#changed();
    await this.#sql.run('UPDATE index_rooms SET blocked = ? WHERE room_id = ?', [blocked === null ? null : blocked ? 1 : 0, roomId]).finally(() => this.#changed());
  }

  async remove(kind: IndexKind, key: string): Promise<void> {
    const { table, key: column } = INDEXES[kind];
    this.#changed();
    await this.#sql.run(`DELETE FROM ${table} WHERE ${column} = ?`, [key]).finally(() => this.#changed());
  }
}
