// The verified-admin gate: a token is checked against Synapse once (whoami, then the admin flag) and the
// verdict kept for a short time under a hash of the token, so a UI's burst of calls costs two lookups.
import { LRUCache } from 'lru-cache';
import { FacadeError } from '../errors.ts';
import { tokenKey } from '../internal/token-hash.ts';

/**
 * What Synapse said about a token: an admin (user ID known after whoami; unknown when Synapse's answer
 * to an owned admin route proved it), or Synapse's own error answer to replay.
 */
export type Verdict = { allowed: true; userId?: string } | { allowed: false; status: number; body: Record<string, unknown> };

/** Options of the gate. */
export interface AdminGateOptions {
  /** How long a verdict is kept, milliseconds (0: never kept). */
  verdictTtlMs: number;
  /** Most verdicts kept. Default 10000. */
  maxVerdicts?: number;
}

/** Synapse's answer as a FacadeError: same status, errcode, error and extra fields (e.g. soft_logout). */
function synapseAnswer(status: number, body: unknown): FacadeError {
  const { errcode, error, ...extra } = (body ?? {}) as { errcode?: string; error?: string };
  return new FacadeError(status, errcode ?? 'M_UNKNOWN', error ?? 'Unknown error', extra);
}

/** A read-only GET toward Synapse carrying the token under test, answered with status and JSON. */
export type Lookup = (path: string) => Promise<{ status: number; body: unknown }>;

/** Verifies tokens; concurrent checks of one token share one lookup. */
export class AdminGate {
  readonly #verdicts: LRUCache<string, Verdict>;
  readonly #inFlight = new Map<string, Promise<Verdict>>();
  readonly #firstUses = new Map<string, Promise<void>>();
  readonly #ttlMs: number;

  constructor({ verdictTtlMs, maxVerdicts = 10_000 }: AdminGateOptions) {
    this.#ttlMs = verdictTtlMs;
    this.#verdicts = new LRUCache({ max: maxVerdicts, ttl: Math.max(verdictTtlMs, 1) });
  }

  /** The verdict kept for a token; a refusal is thrown as Synapse's answer. */
  known(token: string): { userId?: string } | undefined {
    const verdict = this.#verdicts.get(tokenKey(token));
    if (verdict && !verdict.allowed) throw synapseAnswer(verdict.status, verdict.body);
    return verdict;
  }

  /**
   * Learns from Synapse's answer to an owned admin route sent with a not-yet-verified token: Synapse
   * authenticates admin routes before anything else, so any answer but 401/403 (or a fault) proves an admin.
   */
  noteAnswer(token: string, status: number, body: Buffer): void {
    const key = tokenKey(token);
    if (this.#ttlMs === 0 || status >= 500 || this.#verdicts.has(key)) return;
    if (status !== 401 && status !== 403) {
      this.#verdicts.set(key, { allowed: true });
      return;
    }
    try {
      this.#verdicts.set(key, { allowed: false, status, body: JSON.parse(body.toString('utf8')) as Record<string, unknown> });
    } catch {
      // Not Synapse's JSON: leave the token unverified.
    }
  }

  /**
   * Lets the first request of an unverified token go to Synapse alone; concurrent requests of the same
   * token wait for its answer (then use the verdict it left, or verify the usual way).
   */
  firstUse(token: string): { first: true; done: () => void } | { first: false; wait: Promise<void> } {
    const key = tokenKey(token);
    const pending = this.#firstUses.get(key);
    if (pending) return { first: false, wait: pending };
    let done!: () => void;
    this.#firstUses.set(key, new Promise<void>((resolve) => (done = resolve)));
    return {
      first: true,
      done: () => {
        this.#firstUses.delete(key);
        done();
      },
    };
  }

  /**
   * Resolves to the admin's user ID, or throws Synapse's own error answer (401 unknown/expired token,
   * 403 not an admin…). A 5xx, timeout or unreachable Synapse is thrown and never kept as a verdict.
   */
  async verify(token: string, probe: Lookup): Promise<string> {
    const key = tokenKey(token);
    let verdict = this.#verdicts.get(key);
    if (!verdict || (verdict.allowed && verdict.userId === undefined)) {
      let pending = this.#inFlight.get(key);
      if (!pending) {
        pending = this.#lookUp(probe).finally(() => this.#inFlight.delete(key));
        this.#inFlight.set(key, pending);
      }
      verdict = await pending;
      if (this.#ttlMs > 0) this.#verdicts.set(key, verdict);
    }
    if (!verdict.allowed) throw synapseAnswer(verdict.status, verdict.body);
    return verdict.userId!;
  }


  async #lookUp(probe: Lookup): Promise<Verdict> {
    const whoami = await probe('/_matrix/client/v3/account/whoami');
    if (whoami.status !== 200) return this.#refusal(whoami.status, whoami.body);
    const userId = (whoami.body as { user_id?: unknown } | null)?.user_id;
    if (typeof userId !== 'string') throw new FacadeError(502, 'M_UNKNOWN', 'Synapse sent a whoami answer without user_id');
    // Synapse: synapse/rest/admin/users.py UserAdminServlet answers non-admins with its usual 403.
    const flag = await probe(`/_synapse/admin/v1/users/${encodeURIComponent(userId)}/admin`);
    if (flag.status !== 200) return this.#refusal(flag.status, flag.body);
    if ((flag.body as { admin?: unknown } | null)?.admin !== true) {
      return { allowed: false, status: 403, body: { errcode: 'M_FORBIDDEN', error: 'You are not a server admin' } };
    }
    return { allowed: true, userId };
  }

  /** A 4xx is a verdict about the token; anything else is a fault that must not be remembered. */
  #refusal(status: number, body: unknown): Verdict {
    if (status >= 400 && status < 500 && body && typeof body === 'object') {
      return { allowed: false, status, body: body as Record<string, unknown> };
    }
    throw status >= 500 && body && typeof body === 'object'
      ? synapseAnswer(status, body)
      : new FacadeError(502, 'M_UNKNOWN', `Synapse answered ${status} while the admin facade verified a token`);
  }
}
