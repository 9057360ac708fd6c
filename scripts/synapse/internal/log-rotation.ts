// Keeps a Synapse run's homeserver.log from growing without end: every start appends to it, and a bench run in
// front of Synapse adds tens of MB of access lines.
import { existsSync, renameSync, statSync } from 'node:fs';

/** Above this, the log of earlier starts is moved aside before the next start appends to it. */
export const LOG_ROTATE_BYTES = 64 * 1024 * 1024;

/**
 * When `path` holds more than `maxBytes`, it becomes `<path>.1` (replacing the one before) and the next start writes
 * a new file: at most two logs are kept, the newest whole. Returns true when it moved the log.
 */
export function rotateLog(path: string, maxBytes = LOG_ROTATE_BYTES): boolean {
  if (!existsSync(path) || statSync(path).size <= maxBytes) return false;
  renameSync(path, `${path}.1`);
  return true;
}
