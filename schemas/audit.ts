// The facade API's view of the audit trail (GET /_facade/v1/audit): its filters, an entry, a page.
import { z } from 'zod';

/** Milliseconds since the epoch of a validated time filter; NaN for a date-time no calendar has. */
const millisecondsOf = (value: string): number => (/^\d+$/.test(value) ? Number(value) : Date.parse(value));

/** A time filter as sent: ISO 8601 date-time with `Z` or an offset, or integer milliseconds since the epoch. */
const auditTime = (description: string) =>
  z
    .union([z.string().regex(/^\d{1,15}$/), z.iso.datetime({ offset: true })], {
      error: 'Expected an ISO 8601 date-time with `Z` or an offset, or integer milliseconds since the epoch',
    })
    .transform((value, context) => {
      const ms = millisecondsOf(value);
      if (Number.isNaN(ms)) context.issues.push({ code: 'custom', message: 'Not a valid date-time', input: value });
      return ms;
    })
    .optional()
    .describe(description);

/** An integer, documented without the ±(2^53−1) bounds Zod would add (the document states no artificial bound). */
const integer = () => z.number().int().meta({ minimum: undefined, maximum: undefined });

const filterValue = (description: string) => z.string().min(1).max(255).optional().describe(description);

/** The query of GET /_facade/v1/audit: filters (AND), page size, cursor and format; times become milliseconds. */
export const auditQuery = z.object({
  room_id: filterValue('Only rows about this room'),
  admin: filterValue("Only rows of this actor: a user ID, `token:<fingerprint>`, or for logins the user who tried"),
  action: filterValue('Only this action, e.g. `room.block`, `room.delete`, `pass_through`, `login`, `job.create`'),
  since: auditTime('Only rows at or after this time: ISO 8601 date-time with `Z` or an offset, or integer milliseconds since the epoch'),
  until: auditTime('Only rows at or before this time (same forms as `since`)'),
  limit: z
    .string()
    .regex(/^\d{1,5}$/, 'Expected an integer')
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .default(100)
    // Documented as the integer a client writes, not as the string every query value arrives as.
    .meta({ type: 'integer', minimum: 1, maximum: 1000, default: 100, pattern: undefined })
    .describe('Rows per page, 1 to 1000 (JSON only: `format=ndjson` sends every matching row)'),
  cursor: z.string().min(1).max(512).optional().describe("The previous page's `next_cursor`; valid only with the same filters"),
  format: z.enum(['json', 'ndjson']).default('json').describe('`ndjson` streams every matching row, one JSON object per line, newest first'),
});

/** One audit row as answered (a JSON page's entry, or one NDJSON line). */
export const auditEntryOut = z.object({
  id: z.string().describe('Row ID (decimal), increasing in write order'),
  at: z.string().describe('When the action started, ISO 8601 (UTC)'),
  at_ms: integer().describe('The same time in milliseconds since the epoch'),
  kind: z.enum(['owned', 'pass-through', 'login', 'job']).describe('An owned route, a passed-through admin mutation, a login, or a bulk job'),
  action: z.string(),
  method: z.string().nullable(),
  path: z.string().nullable().describe('The path without its query; secrets in it (registration tokens) are `[redacted]`'),
  room_id: z.string().nullable(),
  admin: z.string().nullable().describe("The admin's user ID, `token:<fingerprint>` when it was not verified, or for a login the user who tried"),
  status: integer().nullable().describe('The status the client got; null when it got none'),
  duration_ms: z.number().nullable(),
  request_id: z.string().nullable().describe('The X-Request-Id of the request'),
  details: z.record(z.string(), z.unknown()).describe('Route-specific fields (body flags, delete_id, job_id, error); never a body of a passed-through request'),
});

/** A JSON page of the audit trail. */
export const auditPageOut = z.object({
  entries: z.array(auditEntryOut).describe('Newest first'),
  next_cursor: z.string().optional().describe('Absent on the last page'),
});

export type AuditQueryIn = z.infer<typeof auditQuery>;
export type AuditEntryOut = z.infer<typeof auditEntryOut>;
