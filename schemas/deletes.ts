// The facade API's view of the room deletes it tracked (GET /_facade/v1/deletes/…).
import { z } from 'zod';

const isoTime = z.string().describe('ISO 8601 time (UTC)');

export const deleteRecordOut = z.object({
  delete_id: z.string().describe("Synapse's delete_id (v2), or the facade's `facade-v1-…` ID of a synchronous v1 delete"),
  api: z.enum(['v1', 'v2']),
  room_id: z.string(),
  admin: z.string().nullable().describe("The admin's user ID, or `token:<fingerprint>` when it was not verified"),
  job_id: z.string().nullable().describe('The bulk job that sent it, if any'),
  requested_at: isoTime,
  status: z.string().describe('The newest status seen: scheduled, active, complete, failed (or another name Synapse sent)'),
  updated_at: isoTime,
  finished_at: isoTime.nullable(),
  flags: z.record(z.string(), z.unknown()).describe("The request body's flags (block, purge, force_purge…; long texts cut)"),
  shutdown_room: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable().describe('Why it failed, when the facade knows'),
  history: z.array(z.object({ status: z.string(), at: isoTime })).describe('Every status seen, oldest first'),
});

export const deleteIdParams = z.object({ delete_id: z.string().min(1).max(255) });
export const roomDeletesParams = z.object({ room_id: z.string().min(1).max(255) });
export const roomDeletesOut = z.object({ results: z.array(deleteRecordOut) });

export type DeleteRecordOut = z.infer<typeof deleteRecordOut>;
