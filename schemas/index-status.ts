// The room and destination index's own state and figures: GET /_facade/v1/index (its sweeps) and
// GET /_facade/v1/summary (the figures the Prometheus gauges export too).
import { z } from 'zod';

/** An integer, documented without the ±(2^53−1) bounds Zod would add (the document states no artificial bound). */
const integer = () => z.number().int().meta({ minimum: undefined, maximum: undefined });
const isoTime = (description: string) => z.string().describe(`${description}, ISO 8601 (UTC)`);

/** A sweep that read every page of its list. */
const completeSweepOut = z.object({
  started: isoTime('When it sent its first request'),
  finished: isoTime('When it stored its last page'),
  duration_ms: integer(),
  upstream_requests: integer().describe('Pages asked of Synapse'),
  rows: integer().describe('Items Synapse listed'),
  removed: integer().describe('Rows it removed: missing from this sweep and the complete one before it'),
});

/** One index's sweeps. */
const indexStateOut = z.object({
  rows: integer().describe('Rows in the index now'),
  age_s: integer().nullable().describe('Seconds since the last complete sweep ended; null before the first'),
  last_complete_sweep: completeSweepOut.nullable().describe('Null until a sweep has read the whole list'),
  sweep_in_progress: z
    .object({ started: isoTime('When it started'), upstream_requests: integer(), rows: integer().describe('Items read so far') })
    .nullable(),
  last_failed_sweep: z
    .object({ started: isoTime('When it started'), finished: isoTime('When it gave up'), error: z.string().describe('Why, e.g. Synapse unreachable') })
    .nullable()
    .describe('The newest sweep when it failed (it removed nothing); null once a sweep completes'),
  next_sweep: isoTime('When the next sweep starts (while waiting for a token: when it looks for one again)').nullable().describe('Null while a sweep runs'),
  waiting_for_token: z
    .boolean()
    .describe(
      'True when the sweeper could not sweep: no FACADE_ADMIN_TOKEN, and no admin verified since the facade started (or Synapse refused the last one). An admin using the facade lends the next sweep their token.',
    ),
});

/** GET /_facade/v1/index. */
export const indexStatusOut = z.object({
  rooms: indexStateOut,
  destinations: indexStateOut,
  refresh_ms: integer().describe('INDEX_REFRESH_MS: pause between sweeps'),
  max_upstream_share: z.number().describe('INDEX_MAX_UPSTREAM_SHARE: the most of its wall time a sweep spends waiting for Synapse'),
  page_size: integer().describe('INDEX_PAGE_SIZE: items asked per page'),
  replica: z.string().describe('The replica that answered (REPLICA_ID, else `<hostname>-<pid>`)'),
  sweeping_replica: z
    .string()
    .nullable()
    .describe('The replica that sweeps (one at a time among the replicas of a PostgreSQL store; with SQLite, this one); null while none does or it cannot be known'),
});

/** How old one index's figures are. */
const indexAgeOut = z.object({
  last_complete_sweep: isoTime('When its last complete sweep ended').nullable(),
  age_s: integer().nullable().describe('Seconds since then; null before the first'),
});

/** GET /_facade/v1/summary. */
export const indexSummaryOut = z.object({
  rooms: z.object({
    total: integer(),
    by_version: z.record(z.string(), integer()).describe('Rooms per room version; `unknown` when Synapse does not say'),
    encrypted: integer(),
    public: integer().describe('Published in the room directory'),
    spaces: integer().describe('`room_type` m.space'),
    empty: integer().describe('No local members joined'),
  }),
  destinations: z.object({
    total: integer(),
    failing: integer().describe('Destinations Synapse has a `failure_ts` for'),
    oldest_failure_ts: integer().nullable().describe('The oldest `failure_ts`, milliseconds since the epoch; null when none is failing'),
    oldest_failure: isoTime('The same time').nullable(),
    oldest_failure_age_s: integer().nullable().describe('Seconds since then'),
  }),
  index: z.object({ rooms: indexAgeOut, destinations: indexAgeOut }),
});

export type IndexStatusOut = z.infer<typeof indexStatusOut>;
export type IndexSummaryOut = z.infer<typeof indexSummaryOut>;
