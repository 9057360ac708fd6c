// The requests a job sends to Synapse with its admin's token: each in a limiter slot like an owned route's,
// a mutation with the freshness tracker, every outcome a value (sent or not, answered or not), never a throw.
import type { FacadeContext } from '../../pipeline/context.ts';
import { jsonObjectOf } from '../../internal/exact-json.ts';
import { isTokenRefusalStatus } from '../../protection/admin-gate.ts';

/** Synapse answered: its status and, when the body is a JSON object, that object. */
export interface Answered {
  kind: 'answered';
  status: number;
  json: Record<string, unknown> | undefined;
}

/** What came of a mutation: answered, sent without an answer (outcome unknown), or never sent. */
export type MutationOutcome =
  | Answered
  | { kind: 'no-answer'; error: string }
  /** `store`: the "sending" write failed; `busy`: no limiter slot freed in time. Synapse saw nothing. */
  | { kind: 'not-sent'; reason: 'store' | 'busy' };

/** What came of a read: answered, or not (unreachable, timeout, busy). */
export type ReadOutcome = Answered | { kind: 'no-answer'; error: string };

const headersOf = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

/** One mutation of a job's child. */
export interface JobMutation {
  method: 'PUT' | 'DELETE';
  /** The raw path (segments encoded), e.g. `/_synapse/admin/v1/rooms/!a:hs/block`. */
  path: string;
  token: string;
  body: Record<string, unknown>;
  /**
   * Written to the store before the request leaves, inside the limiter slot (so a queue timeout leaves the
   * child untouched): when it rejects, nothing is sent. This is what makes a child at-most-once.
   */
  beforeSend: () => Promise<void>;
}

/** Sends one mutation exactly once (undici never retries); what it changes is dropped from the cache. */
export async function sendJobMutation(context: FacadeContext, { method, path, token, body, beforeSend }: JobMutation): Promise<MutationOutcome> {
  try {
    return await context.limiter.run(async (): Promise<MutationOutcome> => {
      try {
        await beforeSend();
      } catch {
        return { kind: 'not-sent', reason: 'store' };
      }
      const write = context.freshness.begin(path, token);
      write.sent();
      try {
        const response = await context.upstream.read({ method, path, headers: headersOf(token), body: JSON.stringify(body), label: 'job' });
        await write.end(response.statusCode);
        return { kind: 'answered', status: response.statusCode, json: jsonObjectOf(response.body) };
      } catch (error) {
        // Sent, and no (complete) answer: Synapse may have applied it, so it is never sent again.
        await write.end();
        return { kind: 'no-answer', error: (error as Error).message };
      }
    });
  } catch {
    return { kind: 'not-sent', reason: 'busy' };
  }
}

/** One GET toward Synapse with the job's token (block status, delete status). */
export async function askSynapse(context: FacadeContext, path: string, token: string): Promise<ReadOutcome> {
  try {
    return await context.limiter.run(async (): Promise<ReadOutcome> => {
      const response = await context.upstream.read({ method: 'GET', path, headers: { authorization: `Bearer ${token}` }, label: 'job' });
      return { kind: 'answered', status: response.statusCode, json: jsonObjectOf(response.body) };
    });
  } catch (error) {
    return { kind: 'no-answer', error: (error as Error).message };
  }
}

/** A 401 or 403: Synapse refused the token itself (revoked, logged out, no longer an admin). Nothing was done. */
export const tokenRefused = (outcome: MutationOutcome | ReadOutcome): boolean =>
  outcome.kind === 'answered' && isTokenRefusalStatus(outcome.status);

/** Synapse's `errcode: error` of an error answer, else its status. */
export function synapseError({ status, json }: Answered): string {
  const errcode = typeof json?.errcode === 'string' ? json.errcode : undefined;
  const error = typeof json?.error === 'string' ? json.error : undefined;
  if (errcode || error) return [errcode, error].filter(Boolean).join(': ');
  return `Synapse answered ${status}`;
}
