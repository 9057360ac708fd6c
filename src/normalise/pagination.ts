// Pagination tokens: the facade never hands out a token that does not move forward.

/**
 * Federation lists: `next_token` is `str(from + len(page))` and is present iff `from + limit < total`,
 * so a `limit=0` page carries `next_token == from`, which loops forever; it is dropped.
 * Synapse: synapse/rest/admin/federation.py
 */
export function forwardOnlyNextToken(nextToken: string | undefined, pageLength: number): { next_token?: string } {
  return nextToken !== undefined && pageLength > 0 ? { next_token: nextToken } : {};
}
