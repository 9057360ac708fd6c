// Keyset (seek) pagination in portable SQL: an ORDER BY over sort keys with explicit NULL placement, and the
// predicate "this row comes after that position" for it — so a page never depends on an offset.
import type { SqlValue } from './executor.ts';

/** One sort key: a column, its direction, where NULLs go. The last key must be unique and never NULL. */
export interface SortKey {
  column: string;
  descending: boolean;
  nullsLast: boolean;
  /** The column is never NULL (the unique last key): its ORDER BY term names no NULL placement. */
  notNull?: boolean;
}

/**
 * The ORDER BY clause of `keys`. A NOT NULL column gets no NULLS clause: SQLite then walks an index on
 * (sort column, key) in order for both terms, where `key ASC NULLS LAST` made it sort each run of equal sort
 * values (40 ms instead of 0.2 ms for 2,000 rooms ordered by joined_members at 100,000 rooms).
 */
export function orderBy(keys: readonly SortKey[]): string {
  return keys
    .map(({ column, descending, nullsLast, notNull }) => `${column} ${descending ? 'DESC' : 'ASC'}${notNull ? '' : ` NULLS ${nullsLast ? 'LAST' : 'FIRST'}`}`)
    .join(', ');
}

/** The same keys read the other way (for the page before a position). */
export const reversed = (keys: readonly SortKey[]): SortKey[] => keys.map((key) => ({ ...key, descending: !key.descending, nullsLast: !key.nullsLast }));

/** "The row's key is strictly after `value`" for one key, or undefined when nothing can be. */
function strictlyAfter({ column, descending, nullsLast }: SortKey, value: SqlValue): { sql: string; values: SqlValue[] } | undefined {
  const beyond = descending ? '<' : '>';
  if (value === null) return nullsLast ? undefined : { sql: `${column} IS NOT NULL`, values: [] };
  const compared = `${column} ${beyond} ?`;
  return nullsLast ? { sql: `(${compared} OR ${column} IS NULL)`, values: [value] } : { sql: compared, values: [value] };
}

const equalTo = (column: string, value: SqlValue) => (value === null ? { sql: `${column} IS NULL`, values: [] } : { sql: `${column} = ?`, values: [value] });

/**
 * The predicate selecting rows strictly after `position` (one value per key) in the order of `keys`:
 * lexicographic — equal on the first keys, strictly after on the next.
 */
export function after(keys: readonly SortKey[], position: readonly SqlValue[]): { sql: string; values: SqlValue[] } {
  const alternatives: string[] = [];
  const values: SqlValue[] = [];
  keys.forEach((key, index) => {
    const beyond = strictlyAfter(key, position[index]!);
    if (!beyond) return;
    const prefix = keys.slice(0, index).map((earlier, at) => equalTo(earlier.column, position[at]!));
    alternatives.push([...prefix.map((part) => part.sql), beyond.sql].join(' AND '));
    for (const part of prefix) values.push(...part.values);
    values.push(...beyond.values);
  });
  return alternatives.length ? { sql: `(${alternatives.map((alternative) => `(${alternative})`).join(' OR ')})`, values } : { sql: '1 = 0', values: [] };
}
