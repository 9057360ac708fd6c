// The shared response cache of owned GETs: serialised bytes, bounded by total size, a TTL per route group.
import { LRUCache } from 'lru-cache';

// A path pattern as a RegExp over whole paths: `*` is one segment, a trailing `/**` anything below or nothing.
function pathPattern(pattern: string): RegExp {
  const below = pattern.endsWith('/**');
  const literal = below ? pattern.slice(0, -3) : pattern;
  const escaped = literal.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+');
  return new RegExp(`^${escaped}${below ? '(?:/.*)?' : ''}$`);
}

/** A cached 200 answer, ready to write. */
export interface CachedAnswer {
  /** Upstream path (no query) the answer came from, for invalidation. */
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** When Synapse's answer was received (Date.now()), for the `Age` header of hits. */
  storedAt: number;
  /** The room the answer is about when its path does not say (a delete status by delete ID). */
  room?: string;
}

/** Route groups with their own TTL. */
export type CacheGroup = 'list' | 'details' | 'status';

/** Options of the cache. */
export interface ResponseCacheOptions {
  maxBytes: number;
  ttlMs: Record<CacheGroup, number>;
}

/** Cache counters, read by the metrics. */
export interface CacheStats {
  hits: number;
  misses: number;
  bypasses: number;
}

/** Only answers the facade normalised and Synapse sent with 200 are kept; keys never contain tokens. */
export class ResponseCache {
  readonly stats: CacheStats = { hits: 0, misses: 0, bypasses: 0 };
  readonly #entries: LRUCache<string, CachedAnswer>;
  readonly #ttlMs: Record<CacheGroup, number>;

  constructor({ maxBytes, ttlMs }: ResponseCacheOptions) {
    this.#ttlMs = ttlMs;
    this.#entries = new LRUCache<string, CachedAnswer>({
      maxSize: maxBytes,
      sizeCalculation: (answer, key) => answer.body.length + key.length + 256,
      ttlAutopurge: false,
    });
  }

  /** Bytes held now. */
  get size(): number {
    return this.#entries.calculatedSize;
  }

  get(key: string): CachedAnswer | undefined {
    return this.#entries.get(key);
  }

  /** Stores an answer for its group's TTL (a TTL of 0 stores nothing). */
  set(key: string, group: CacheGroup, answer: CachedAnswer): void {
    const ttl = this.#ttlMs[group];
    if (ttl > 0) this.#entries.set(key, answer, { ttl });
  }

  /** Drops every answer (this replica can no longer prove any of them fresh). */
  clear(): void {
    this.#entries.clear();
  }

  /**
   * Drops every answer whose upstream path matches one of `patterns`: a literal path, where `*` stands
   * for one segment and a trailing `/**` for anything below. A scan per mutation is cheap next to Synapse.
   */
  invalidate(patterns: readonly string[]): number {
    const matchers = patterns.map(pathPattern);
    let dropped = 0;
    for (const [key, answer] of this.#entries.entries()) {
      if (matchers.some((matcher) => matcher.test(answer.path))) {
        this.#entries.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }
}
