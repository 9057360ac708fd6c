// The opaque cursors of index listings: a position in one order (sort value and key), the way to go from it
// (next or previous page), and a digest of the query it belongs to, so it continues only that listing.
import { createHash } from 'node:crypto';
import { FacadeError } from '../errors.ts';
import { INDEXES, type IndexKind } from '../store/index-fields.ts';
import type { IndexFilter, IndexPosition } from '../store/store.ts';

/** Where a cursor leads: the rows after its position, or the rows just before it. */
export type CursorDirection = 'next' | 'prev';

/** A decoded cursor. */
export interface IndexCursor {
  direction: CursorDirection;
  position: IndexPosition;
}

/** What a cursor is bound to: the index, its filters and its order (not the page size, which may change). */
export interface CursorBinding {
  kind: IndexKind;
  filter: IndexFilter;
  orderBy: string;
  descending: boolean;
}

/** Version of the cursor encoding: a cursor of another version is refused, never misread. */
const VERSION = 1;

/**
 * A short digest of the binding. The filter is built by src/index/query.ts in a fixed key order, so equal
 * queries give equal JSON (and two spellings of the same filter may share cursors, which is harmless).
 */
const digestOf = ({ kind, filter, orderBy, descending }: CursorBinding): string =>
  createHash('sha256').update(JSON.stringify(['index-cursor', kind, filter, orderBy, descending])).digest('base64url').slice(0, 22);

/** The cursor text: base64url JSON of [version, n|p, sort value, key, digest]. */
export function encodeCursor({ direction, position }: IndexCursor, binding: CursorBinding): string {
  const fields = [VERSION, direction === 'next' ? 'n' : 'p', position.value, position.key, digestOf(binding)];
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

// Worded like the audit listing's, which the fuzz hooks recognise as the facade refusing a value it did not mint.
const invalidCursor = (why: string) => new FacadeError(400, 'M_INVALID_PARAM', `Invalid query parameter 'cursor': ${why}`);

/** Whether `value` can be a sort value of `orderBy`: text fields sort by strings, the others by integers (booleans 0/1). */
function fitsOrder(kind: IndexKind, orderBy: string, value: unknown): boolean {
  if (value === null) return true;
  const { key, fields } = INDEXES[kind];
  const type = orderBy === key ? 'text' : (fields.find((field) => field.name === orderBy)?.type ?? 'integer');
  return type === 'text' ? typeof value === 'string' : Number.isSafeInteger(value);
}

/** The cursor's direction and position; 400 for a text that is not one of ours or was issued for another query. */
export function decodeCursor(text: string, binding: CursorBinding): IndexCursor {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('not a cursor of this listing');
  }
  const [version, direction, value, key, digest] = Array.isArray(fields) && fields.length === 5 ? fields : [];
  const wellFormed = version === VERSION && (direction === 'n' || direction === 'p') && typeof key === 'string' && typeof digest === 'string';
  if (!wellFormed) throw invalidCursor('not a cursor of this listing');
  if (digest !== digestOf(binding)) throw invalidCursor('it was issued for another query (other filters, order_by or dir)');
  // Only a forged cursor gets here with a value its order cannot have.
  if (!fitsOrder(binding.kind, binding.orderBy, value)) throw invalidCursor('not a cursor of this listing');
  return { direction: direction === 'n' ? 'next' : 'prev', position: { value: value as IndexPosition['value'], key } };
}
