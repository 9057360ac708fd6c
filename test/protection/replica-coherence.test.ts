// Coherence between replicas, on one replica's side: what a write tells the others (never a token), what a change
// heard from another replica drops here, and a replica that cannot hear the others serving nothing from its cache
// or its admin verdicts until it hears again.
import { describe, expect, it } from 'vitest';
import { AdminGate, type Lookup } from '../../src/protection/admin-gate.ts';
import { WriteTracker } from '../../src/protection/freshness.ts';
import { ResponseCache, type CachedAnswer } from '../../src/protection/response-cache.ts';
import { encodePathSegment } from '../../src/internal/path.ts';
import { tokenKey } from '../../src/internal/token-hash.ts';
import type { ReplicaChange } from '../../src/replicas/replicas.ts';

const ROOM = '!a:hs';
const ROOM_PATH = `/_synapse/admin/v1/rooms/${encodePathSegment(ROOM)}`;
const answer = (path: string): CachedAnswer => ({ path, headers: {}, body: Buffer.from('{}'), storedAt: Date.now() });

/** A lookup answering as Synapse would for an admin, counting its calls. */
function adminLookup(userId = '@admin:hs'): Lookup & { calls: number } {
  const lookup = Object.assign(
    async (path: string) => {
      lookup.calls += 1;
      return path.endsWith('/account/whoami') ? { status: 200, body: { user_id: userId } } : { status: 200, body: { admin: true } };
    },
    { calls: 0 },
  );
  return lookup;
}

function replica() {
  const cache = new ResponseCache({ maxBytes: 1_000_000, ttlMs: { list: 60_000, details: 60_000, status: 60_000 } });
  const gate = new AdminGate({ verdictTtlMs: 60_000 });
  const told: ReplicaChange[] = [];
  const tracker = new WriteTracker({ cache, gate, settleMs: 0, publish: async (change) => void told.push(change) });
  return { cache, gate, tracker, told };
}

describe('replica coherence', () => {
  it('a write tells the other replicas what it changed, and a logout by the token key only: never the token', async () => {
    const { gate, tracker, told } = replica();
    const block = tracker.begin(`${ROOM_PATH}/block`, 'secret-token');
    block.sent();
    await block.end(200);
    await gate.verify('secret-token', adminLookup());
    const logout = tracker.begin('/_matrix/client/v3/logout', 'secret-token');
    logout.sent();
    await logout.end(200);
    expect(told).toEqual([
      { rooms: [ROOM], destinations: [] },
      { rooms: [], destinations: [], revoke: { kind: 'token-key', key: tokenKey('secret-token') } },
    ]);
    expect(JSON.stringify(told)).not.toContain('secret-token');
  });

  it("a password change is told as the caller's user; a refused write (401/403) is told nothing", async () => {
    const { gate, tracker, told } = replica();
    await gate.verify('t1', adminLookup('@alice:hs'));
    const refused = tracker.begin(`${ROOM_PATH}/block`, 't1');
    refused.sent();
    await refused.end(403);
    const password = tracker.begin('/_matrix/client/v3/account/password', 't1');
    password.sent();
    await password.end(200);
    expect(told).toEqual([{ rooms: [], destinations: [], revoke: { kind: 'user', userId: '@alice:hs' } }]);
  });

  it("a change heard from another replica drops the same cached reads and verdicts as the replica's own write", async () => {
    const { cache, gate, tracker } = replica();
    cache.set('details', 'details', answer(ROOM_PATH));
    cache.set('other', 'details', answer('/_synapse/admin/v1/rooms/!b%3Ahs'));
    cache.set('list', 'list', answer('/_synapse/admin/v1/rooms'));
    const generation = tracker.generation;
    tracker.applyHeard({ rooms: [ROOM], destinations: [] });
    expect(cache.get('details')).toBeUndefined();
    expect(cache.get('list')).toBeUndefined();
    expect(cache.get('other')).toBeDefined();
    // A read that started before the change may not be stored.
    expect(tracker.generation).not.toBe(generation);

    const lookup = adminLookup('@bob:hs');
    await gate.verify('bob-token', lookup);
    await gate.verify('carol-token', adminLookup('@carol:hs'));
    tracker.applyHeard({ rooms: [], destinations: [], revoke: { kind: 'token-key', key: tokenKey('bob-token') } });
    expect(gate.known('bob-token')).toBeUndefined();
    expect(gate.known('carol-token')).toEqual({ allowed: true, userId: '@carol:hs' });
    tracker.applyHeard({ rooms: [], destinations: [], revoke: { kind: 'user', userId: '@carol:hs' } });
    expect(gate.known('carol-token')).toBeUndefined();
  });

  it('while it cannot hear the others, a replica drops its cache and verdicts and uses neither; hearing again restores both', async () => {
    const { cache, gate, tracker } = replica();
    cache.set('details', 'details', answer(ROOM_PATH));
    const lookup = adminLookup();
    await gate.verify('token', lookup);
    expect(lookup.calls).toBe(2);

    tracker.setListening(false);
    expect(cache.get('details')).toBeUndefined();
    expect(tracker.bypasses({ room: ROOM })).toBe(true);
    expect(tracker.bypasses({ roomList: true })).toBe(true);
    expect(gate.known('token')).toBeUndefined();
    // Every request proves its token again with Synapse, and no verdict is kept.
    await gate.verify('token', lookup);
    await gate.verify('token', lookup);
    expect(lookup.calls).toBe(6);

    tracker.setListening(true);
    expect(tracker.bypasses({ room: ROOM })).toBe(false);
    await gate.verify('token', lookup);
    await gate.verify('token', lookup);
    expect(lookup.calls).toBe(8);
    expect(gate.known('token')).toEqual({ allowed: true, userId: '@admin:hs' });
  });
});
