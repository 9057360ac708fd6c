// The few SQL operations the store needs, with `?` placeholders; each database driver implements them.

/** A value a placeholder may take. */
export type SqlValue = string | number | bigint | null;

/** Runs SQL. A transaction's callback gets an executor bound to that transaction. */
export interface SqlExecutor {
  run(sql: string, params?: readonly SqlValue[]): Promise<{ changes: number }>;
  get<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  all<Row>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
