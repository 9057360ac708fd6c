// SQLite semantics the list endpoints depend on: value ordering (NULL first), BINARY collation, LIKE, paging.

export type SqlValue = string | number | null;

/** SQLite ORDER BY ASC comparison: NULL < numbers < text; text compared as UTF-8 bytes (BINARY). */
export function compareSqlValues(a: SqlValue, b: SqlValue): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return compareUtf8(a, b);
}

/**
 * Orders two strings as their UTF-8 bytes would (= by code point) without encoding them: UTF-16 code units agree
 * with code points except that surrogates (U+D800–DFFF, astral characters) must sort after U+E000–FFFF, which
 * the shift below does at the first differing unit. A list of 100,000 rooms sorts in milliseconds this way.
 */
function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number): number => (unit >= 0xd800 ? (unit >= 0xe000 ? unit - 0x800 : unit + 0x2000) : unit);

/** Applies a direction; DESC puts NULLs last, as SQLite does. */
export function compareDirected(a: SqlValue, b: SqlValue, descending: boolean): number {
  const order = compareSqlValues(a, b);
  return descending ? -order : order;
}

/** SQLite LIKE with `%`/`_` wildcards (not escaped) and ASCII-only case folding. */
export function sqliteLike(value: string, pattern: string): boolean {
  return likeMatcher(pattern)(value);
}

/** sqliteLike with the pattern compiled once, for filtering many rows. */
export function likeMatcher(pattern: string): (value: string) => boolean {
  let source = '';
  for (const ch of asciiLower(pattern)) {
    source += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`, 'su');
  return (value) => regex.test(asciiLower(value));
}

/** SQLite LOWER(): folds ASCII letters only. */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (ch) => ch.toLowerCase());
}

/** LIMIT/OFFSET over an already sorted list. */
export function page<T>(rows: readonly T[], from: number, limit: number): T[] {
  return rows.slice(from, from + limit);
}
