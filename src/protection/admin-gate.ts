// The verified-admin gate: a token is proved an admin once (whoami and the admin flag, or Synapse's 200 on an
// owned admin route) and the verdict kept for a short time under a hash of the token. Verdicts follow the
// token's real state: a refusal from Synapse, a logout or a demotion through the facade drops them.
import { LRUCache } from 'lru-cache';
import { FacadeError } from '../errors.ts';
import { tokenKey } from '../internal/token-hash.ts';

/**
 * What Synapse said about a token: an admin (user ID known after whoami; unknown when Synapse's answer
 * to an owned admin route proved it), or Synapse's own error answer to replay.
 */
export type Verdict = { allowed: true; userId?: string } | { allowed: false; status: number; body: Record<string, unknown> };

/** A read-only GET toward Synapse carrying the token under test and nothing else, answered with status and JSON. */
export type Lookup = (path: string) => Promise<{ status: number; body: unknown }>;

/**
 * Taken when a request of an unverified token starts; what Synapse answers it may only become a verdict if
 * no revocation happened in between (a logout or demotion that finished while the request was in flight).
 */
export interface GateSnapshot {
  readonly key: string;
  readonly epoch: number;
  readonly tokenEpoch: number;
}

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

/** Synapse's statuses for refusing a token: 401 (unknown, expired, missing) and 403 (not allowed). */
export const isTokenRefusalStatus = (status: number): boolean => status === 401 || status === 403;

/** A refusal of a token as Synapse writes it: 401/403 with a Matrix `errcode`. */
function isTokenRefusal(status: number, body: unknown): body is Record<string, unknown> {
  return isTokenRefusalStatus(status) && typeof (body as { errcode?: unknown } | null)?.errcode === 'string';
}

/** Verifies tokens; concurrent checks of one token share one lookup. */
export class AdminGate {
  readonly #verdicts: LRUCache<string, Verdict>;
  readonly #inFlight = new Map<string, Promise<Verdict>>();
  readonly #firstUses = new Map<string, Promise<void>>();
  /** Per-token revocation counters (logout, a 401/403 from Synapse): bounded, a lost entry only costs a lookup. */
  readonly #tokenEpochs = new LRUCache<string, number>({ max: 10_000 });
  readonly #ttlMs: number;
  /** Bumped by every revocation that names a user or everyone. */
  #epoch = 0;
  #tokenRevocations = 0;
  #suspended = false;

  constructor({ verdictTtlMs, maxVerdicts = 10_000 }: AdminGateOptions) {
    this.#ttlMs = verdictTtlMs;
    this.#verdicts = new LRUCache({ max: maxVerdicts, ttl: Math.max(verdictTtlMs, 1) });
  }

  /**
   * While suspended (this replica may miss other replicas' logouts and demotions) no verdict is kept or used:
   * each is dropped now, and every token is verified with Synapse until the suspension ends.
   */
  suspend(suspended: boolean): void {
    this.#suspended = suspended;
    this.revokeUser(undefined);
  }

  /** Verdicts may be kept: a TTL is set and the gate is not suspended. */
  get #keeps(): boolean {
    return this.#ttlMs > 0 && !this.#suspended;
  }

  /** The verdict kept for a token; a refusal is thrown as Synapse's answer. */
  known(token: string): { userId?: string } | undefined {
    if (this.#suspended) return undefined;
    const verdict = this.#verdicts.get(tokenKey(token));
    if (verdict && !verdict.allowed) throw synapseAnswer(verdict.status, verdict.body);
    return verdict;
  }

  /** Marks the start of a request whose answer may become the token's verdict. */
  snapshot(token: string): GateSnapshot {
    const key = tokenKey(token);
    return { key, epoch: this.#epoch, tokenEpoch: this.#tokenEpochs.get(key) ?? 0 };
  }

  /**
   * Positive proof only: the caller saw Synapse answer **200** on an owned admin route with a body that fits
   * that route's schema, for this token alone (no appservice `user_id`). Nothing else proves an admin:
   * Twisted answers a bare `400 Bad Request` before Synapse's auth runs (over 500 headers, or request line
   * plus headers over 16 KiB), and 404s, 3xx, 5xx or odd bodies say nothing about the token either.
   */
  noteProof(snapshot: GateSnapshot): void {
    if (!this.#keeps || !this.#current(snapshot) || this.#verdicts.has(snapshot.key)) return;
    this.#verdicts.set(snapshot.key, { allowed: true });
  }

  /** Keeps Synapse's own 401/403 for a token as its verdict, so the burst behind it is refused without lookups. */
  noteRefusal(snapshot: GateSnapshot, status: number, body: unknown): void {
    if (!this.#keeps || !this.#current(snapshot) || !isTokenRefusal(status, body)) return;
    this.#verdicts.set(snapshot.key, { allowed: false, status, body });
  }

  /**
   * Synapse refused a request carrying this token (any 401 or 403, on any path): whatever the gate knew
   * of the token is dropped at once, and lookups in flight for it may not store their verdicts.
   */
  forget(token: string): void {
    this.forgetKey(tokenKey(token));
  }

  /** {@link forget} by the token's key (another replica heard Synapse refuse it, or saw it logged out). */
  forgetKey(key: string): void {
    this.#verdicts.delete(key);
    this.#inFlight.delete(key);
    this.#tokenEpochs.set(key, ++this.#tokenRevocations);
  }

  /**
   * A user's rights or tokens changed (logout/all, demotion, deactivation, password reset): every verdict
   * of that user is dropped, and so is every admin verdict whose user is unknown (proved by an owned
   * route's 200), since it may be one of theirs. `undefined` drops every verdict.
   */
  revokeUser(userId: string | undefined): void {
    this.#epoch += 1;
    this.#inFlight.clear();
    for (const [key, verdict] of this.#verdicts.entries()) {
      if (userId === undefined || !verdict.allowed || verdict.userId === undefined || verdict.userId === userId) this.#verdicts.delete(key);
    }
  }

  /** The user ID a token was verified as, when the gate knows it. */
  userOf(token: string): string | undefined {
    const verdict = this.#suspended ? undefined : this.#verdicts.get(tokenKey(token));
    return verdict?.allowed ? verdict.userId : undefined;
  }

  /**
   * Lets the first request of an unverified token go to Synapse alone; concurrent requests of the same
   * token wait for its answer (then use the verdict it left, or verify the explicit way).
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
   * `lookup` must carry the token and nothing else of the client's request.
   */
  async verify(token: string, lookup: Lookup): Promise<string> {
    const snapshot = this.snapshot(token);
    let verdict = this.#suspended ? undefined : this.#verdicts.get(snapshot.key);
    if (!verdict || (verdict.allowed && verdict.userId === undefined)) {
      let pending = this.#inFlight.get(snapshot.key);
      if (!pending) {
        const started = this.#lookUp(lookup);
        pending = started.finally(() => {
          if (this.#inFlight.get(snapshot.key) === pending) this.#inFlight.delete(snapshot.key);
        });
        this.#inFlight.set(snapshot.key, pending);
      }
      verdict = await pending;
      if (this.#keeps && this.#current(snapshot)) this.#verdicts.set(snapshot.key, verdict);
    }
    if (!verdict.allowed) throw synapseAnswer(verdict.status, verdict.body);
    return verdict.userId!;
  }

  /** No revocation touched this token since the snapshot was taken. */
  #current(snapshot: GateSnapshot): boolean {
    return snapshot.epoch === this.#epoch && snapshot.tokenEpoch === (this.#tokenEpochs.get(snapshot.key) ?? 0);
  }

  async #lookUp(lookup: Lookup): Promise<Verdict> {
    const whoami = await lookup('/_matrix/client/v3/account/whoami');
    if (whoami.status !== 200) return this.#refusal(whoami.status, whoami.body);
    const userId = (whoami.body as { user_id?: unknown } | null)?.user_id;
    if (typeof userId !== 'string') throw new FacadeError(502, 'M_UNKNOWN', 'Synapse sent a whoami answer without user_id');
    // Synapse: synapse/rest/admin/users.py UserAdminServlet answers non-admins with its usual 403.
    const flag = await lookup(`/_synapse/admin/v1/users/${encodeURIComponent(userId)}/admin`);
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
