// What a facade shares with the other replicas of its store: the changes its writes made (so every replica drops
// the same cached reads and admin verdicts), whether it hears theirs, and which replica leads the background work
// that must run once (the index sweep). One process with the embedded store is its own only replica.

/** Rooms or destinations a change touches: some (decoded IDs) or every one. */
export type ChangeTargets = 'all' | readonly string[];

/** Whose admin verdicts a change ends, in terms any replica understands (never a token). */
export type ChangeRevocation =
  /** The verdict kept under this token key (SHA-256 of the token, as the gate keys it). */
  | { kind: 'token-key'; key: string }
  | { kind: 'user'; userId: string }
  /** Every verdict (a user the writing replica could not name). */
  | { kind: 'everyone' };

/** One change made through a replica. */
export interface ReplicaChange {
  rooms: ChangeTargets;
  destinations: ChangeTargets;
  revoke?: ChangeRevocation;
}

/** A change heard from another replica, with when it was sent (its clock, milliseconds). */
export interface HeardChange {
  from: string;
  sentAt: number;
  change: ReplicaChange;
}

/** The replicas sharing this facade's store, as one facade sees them. */
export interface Replicas {
  /** This facade's name among them. */
  readonly replicaId: string;
  /**
   * Whether changes made through other replicas reach this one now. While false, nothing cached can be proved
   * fresh: the cache and the admin verdicts are dropped and not used until it is true again.
   */
  readonly listening: boolean;
  /** Tells the other replicas; resolves once sent (or given up on: failures are logged and counted). */
  publish(change: ReplicaChange): Promise<void>;
  /** Called with each change another replica published. */
  onChange(handler: (heard: HeardChange) => void): void;
  /** Called when `listening` changes. */
  onListening(handler: (listening: boolean) => void): void;
  /**
   * Whether this replica leads `role` now: it takes the lead when nobody holds it, keeps it while its connection
   * lives, and loses it with that connection (a replica killed with SIGKILL frees it at once).
   */
  lead(role: LeadRole): Promise<boolean>;
  /** The replica leading `role`, when one does and it can be known. */
  leader(role: LeadRole): Promise<string | undefined>;
  close(): Promise<void>;
}

/** The work only one replica does at a time. */
export type LeadRole = 'index-sweeper' | 'background';

/** The embedded store's single process: always listening, always leading, nobody to tell. */
export function singleReplica(replicaId: string): Replicas {
  return {
    replicaId,
    listening: true,
    publish: async () => {},
    onChange: () => {},
    onListening: () => {},
    lead: async () => true,
    leader: async () => replicaId,
    close: async () => {},
  };
}
