// What the audit log keeps of a mutation's body: every field, long texts cut to a bound.

/** Longest string kept verbatim in an audit line; longer ones (e.g. a `message`) are cut. */
export const AUDIT_TEXT_LIMIT = 100;

/** Body fields for the audit line: scalars kept, strings bounded, nested values summarised by type. */
export function auditBodyFields(body: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') {
      fields[key] = value.length > AUDIT_TEXT_LIMIT ? `${value.slice(0, AUDIT_TEXT_LIMIT)}… (${value.length} chars)` : value;
    } else if (value === null || typeof value === 'boolean' || typeof value === 'number') {
      fields[key] = value;
    } else {
      fields[key] = Array.isArray(value) ? '[array]' : '[object]';
    }
  }
  return fields;
}
