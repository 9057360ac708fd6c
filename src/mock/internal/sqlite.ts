// SQLite semantics the list endpoints depend on: value ordering (NULL first), BINARY collation, LIKE, paging.

export type SqlValue = string | number | null;

const utf8 = new TextEncoder();

/** SQLite ORDER BY ASC comparison: NULL < numbers < text; text compared as UTF-8 bytes (BINARY). */
export function compareSqlValues(a: SqlValue, b: SqlValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return Buffer.compare(utf8.encode(a), utf8.encode(b));
}

/** Applies a direction; DESC puts NULLs last, as SQLite does. */
export function compareDirected(a: SqlValue, b: SqlValue, descending: boolean): number {
  const order = compareSqlValues(a, b);
  return descending ? -order : order;
}

/** SQLite LIKE with `%`/`_` wildcards (not escaped) and ASCII-only case folding. */
export function sqliteLike(value: string, pattern: string): boolean {
  let source = '';
  for (const ch of asciiLower(pattern)) {
    source += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'su').test(asciiLower(value));
}

/** SQLite LOWER(): folds ASCII letters only. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
}

/** LIMIT/OFFSET over an already sorted list. */
export function page<T>(rows: readonly T[], from: number, limit: number): T[] {
  return rows.slice(from, from + limit);
}
