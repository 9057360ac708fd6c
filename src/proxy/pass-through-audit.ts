// Audit rows of what passes through: every /_synapse/admin mutation (method, masked path, status, who,
// duration; never a body) and every login (who tried, success; never a password or token).
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { FacadeError } from '../errors.ts';
import { decodePathSegment } from '../internal/path.ts';
import { recordOf } from '../observability/request-log.ts';
import { auditActor, writeAudit } from '../pipeline/audit-trail.ts';
import type { FacadeContext } from '../pipeline/context.ts';
import { SAFE_METHODS } from '../protection/write-effects.ts';
import type { AuditEntryInput } from '../store/store.ts';
import { boundedTap, type BoundedTap } from './internal/bounded-tap.ts';
import { LOGIN_PATH, LOGIN_READ_LIMIT_BYTES, loggedInUserOf, loginAttemptOf } from './login-audit.ts';

/** What passThrough tells the audit of one request; every method resolves, never throws. */
export interface PassThroughAudit {
  /** The body to send Synapse: the client's own, or a tap that passes every byte through unchanged. */
  requestBody(body: IncomingMessage | null): Readable | null;
  /** Synapse answered `status`: answers the stream to send the client (the same bytes). */
  answered(status: number, answer: Readable): Promise<Readable>;
  /** Synapse gave no answer (the facade's 502/504), or the client left mid-upload. */
  failed(error: unknown): Promise<void>;
}

/** Where the raw path holds a secret: a registration token (Synapse: synapse/rest/admin/registration_tokens.py). */
const SECRET_BEFORE = /registration(?:_|%5f)tokens/i;
const REDACTED = '[redacted]';

/**
 * The path as the audit keeps it: whatever follows `registration_tokens` (the token itself, in
 * `/_synapse/admin/v1/registration_tokens/<token>`) becomes `[redacted]`, except `POST …/registration_tokens/new`,
 * which creates a token and names none. Every other admin path segment is an ID (user, room, device, media,
 * report, destination), not a secret. Security: the query is never passed here (an access token may travel in it).
 */
export function auditPath(method: string, rawPath: string): string {
  const match = SECRET_BEFORE.exec(rawPath);
  if (!match) return rawPath;
  const end = match.index + match[0].length;
  const rest = rawPath.slice(end);
  if (rest === '' || (method === 'POST' && rest === '/new')) return rawPath;
  return `${rawPath.slice(0, end)}/${REDACTED}`;
}

/** The first path segment that is a room ID (`!…`), so a pass-through row can be found by room. */
function roomIdOf(rawPath: string): string | null {
  for (const segment of rawPath.split('/')) {
    if (!segment.startsWith('!') && !/^%21/i.test(segment)) continue;
    const decoded = decodePathSegment(segment);
    return decoded.length <= 255 ? decoded : null;
  }
  return null;
}

/** The status the client gets when Synapse gave no answer, and why: null when the client itself left. */
function failureOf(error: unknown): { status: number | null; error: string } {
  if (error instanceof FacadeError) return { status: error.status, error: error.message };
  if ((error as { name?: string } | null)?.name === 'AbortError') return { status: null, error: 'The client closed the connection before the request was complete' };
  return { status: 500, error: 'Internal server error' };
}

/**
 * Runs `work` before anyone reads `answer`: an error of the answer meanwhile is not an uncaught 'error' event,
 * and the destroyed stream tells passThrough's pipeline about it afterwards.
 */
async function whileUnread(answer: Readable, work: () => Promise<void>): Promise<void> {
  const ignore = () => {};
  answer.on('error', ignore);
  try {
    await work();
  } finally {
    answer.off('error', ignore);
  }
}

/** What every row of one request shares. */
type RowBase = Pick<AuditEntryInput, 'at' | 'method' | 'path' | 'requestId'>;

function rowBase(incoming: IncomingMessage, method: string, path: string): RowBase {
  return { at: Date.now(), method, path, requestId: recordOf(incoming)?.id ?? null };
}

/** One row per admin mutation passed through, written before the client hears Synapse's answer. */
function adminMutationAudit(context: FacadeContext, base: RowBase, token: string | undefined): PassThroughAudit {
  const admin = auditActor(token === undefined ? undefined : context.gate?.userOf(token), token);
  // Read from the masked path, so a secret segment can never be taken for a room ID.
  const roomId = base.path === null ? null : roomIdOf(base.path);
  const write = (status: number | null, details: Record<string, unknown>) =>
    writeAudit(context, { ...base, kind: 'pass-through', action: 'pass_through', roomId, admin, status, durationMs: Date.now() - base.at, details });
  return {
    requestBody: (body) => body,
    answered: async (status, answer) => {
      await whileUnread(answer, () => write(status, {}));
      return answer;
    },
    failed: async (error) => {
      const { status, error: why } = failureOf(error);
      await write(status, { error: why });
    },
  };
}

/**
 * One row per login: who tried (from at most LOGIN_READ_LIMIT_BYTES of the request body, or a 200 answer's
 * `user_id`) and whether it worked. A refusal is written before the client hears it; a success once its
 * answer has gone through (the `user_id` is in it).
 */
function loginAudit(context: FacadeContext, base: RowBase): PassThroughAudit {
  let request: BoundedTap | undefined;
  const attempt = () => loginAttemptOf(request?.kept() ?? Buffer.alloc(0), request !== undefined && !request.overflowed(), context.serverName ?? context.config.synapseServerName);
  const write = (status: number | null, admin: string | null, error?: string) =>
    writeAudit(context, {
      ...base,
      kind: 'login',
      action: 'login',
      roomId: null,
      admin,
      status,
      durationMs: Date.now() - base.at,
      details: { success: status === 200, login_type: attempt().loginType, ...(error ? { error } : {}) },
    });
  return {
    requestBody: (body) => {
      if (!body) return null;
      request = boundedTap(LOGIN_READ_LIMIT_BYTES);
      // Errors of either side are handled by passThrough (the client's upload aborts the request).
      pipeline(body, request.stream, () => {});
      return request.stream;
    },
    answered: async (status, answer) => {
      if (status !== 200) {
        await whileUnread(answer, () => write(status, attempt().user));
        return answer;
      }
      const tap = boundedTap(LOGIN_READ_LIMIT_BYTES);
      // Tracked from now, so a stop that comes before the answer has gone through still waits for this row.
      const written = new Promise<void>((resolve) => {
        tap.stream.once('close', () => resolve(write(status, loggedInUserOf(tap.kept(), !tap.overflowed()) ?? attempt().user)));
      });
      void context.audits.track(written);
      pipeline(answer, tap.stream, () => {});
      return tap.stream;
    },
    failed: async (error) => {
      const { status, error: why } = failureOf(error);
      await write(status, attempt().user, why);
    },
  };
}

/**
 * The audit of a passed-through request: an admin mutation (any method but GET, HEAD and OPTIONS under
 * `/_synapse/admin/`) or a login POST; undefined for everything else, which is not recorded.
 */
export function passThroughAudit(
  context: FacadeContext,
  incoming: IncomingMessage,
  { method, rawPath, tokenOf }: { method: string; rawPath: string; tokenOf?: () => string | undefined },
): PassThroughAudit | undefined {
  if (SAFE_METHODS.has(method)) return undefined;
  if (rawPath.startsWith('/_synapse/admin/')) {
    return adminMutationAudit(context, rowBase(incoming, method, auditPath(method, rawPath)), tokenOf?.());
  }
  if (method === 'POST' && LOGIN_PATH.test(rawPath)) return loginAudit(context, rowBase(incoming, method, rawPath));
  return undefined;
}
