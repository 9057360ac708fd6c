// Converting the store's rows: JSON kept as TEXT, numbers that drivers may hand back as strings or bigints,
// and the SET clause of a patch. Shared by the store's query classes.
import type { SqlValue } from './executor.ts';

/** Rows are written or looked up in chunks of this many, to stay under every driver's placeholder limit. */
export const PLACEHOLDER_CHUNK = 200;

/** A row as a driver returns it. */
export type Row = Record<string, unknown>;

export const toJson = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));
export const fromJson = <T>(text: unknown): T | null => (typeof text === 'string' ? (JSON.parse(text) as T) : null);
export const num = (value: unknown): number => Number(value);
export const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** `SET a = ?, b = ?` and its values, for the defined fields of a patch (column names from a fixed map). */
export function setClause(patch: Record<string, unknown>, columns: Readonly<Record<string, string>>, json: ReadonlySet<string> = new Set()) {
  const parts: string[] = [];
  const values: SqlValue[] = [];
  for (const [field, column] of Object.entries(columns)) {
    if (!(field in patch) || patch[field] === undefined) continue;
    parts.push(`${column} = ?`);
    values.push(json.has(field) ? toJson(patch[field]) : (patch[field] as SqlValue));
  }
  return { sql: parts.join(', '), values };
}
