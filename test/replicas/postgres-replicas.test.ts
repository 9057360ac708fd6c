// Replicas on a real PostgreSQL: a change published by one is heard by the others (not by itself) within 100 ms;
// one replica leads a role at a time and gives it up with its connection; a replica whose connection is cut says
// it is not listening, and listens again once it has reconnected.
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { startPostgresReplicas } from '../../src/replicas/postgres-replicas.ts';
import type { HeardChange, Replicas } from '../../src/replicas/replicas.ts';
import { postgresUrl, useFreshDatabase } from '../support/postgres.ts';

const logger = createLogger('silent');
const started: Replicas[] = [];
const database = useFreshDatabase(async () => {
  for (const replicas of started.splice(0)) await replicas.close();
});

async function replica(replicaId: string, options: { heartbeatMs?: number; reconnectMs?: number } = {}) {
  const replicas = startPostgresReplicas({ url: database.url, replicaId, logger, heartbeatMs: 200, deadAfterMs: 1_000, reconnectMs: 100, ...options });
  started.push(replicas);
  await replicas.firstAttempt;
  const heard: HeardChange[] = [];
  const listening: boolean[] = [];
  replicas.onChange((change) => heard.push(change));
  replicas.onListening((value) => listening.push(value));
  return { replicas, heard, listening };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}

describe.skipIf(!postgresUrl())('replicas on PostgreSQL', () => {
  it('a change one replica publishes reaches every other one within 100 ms, and not itself', async () => {
    const a = await replica('a');
    const b = await replica('b');
    const c = await replica('c');
    expect([a, b, c].every(({ replicas }) => replicas.listening)).toBe(true);
    const sent = performance.now();
    await a.replicas.publish({ rooms: ['!x:hs'], destinations: [], revoke: { kind: 'user', userId: '@u:hs' } });
    await until(() => b.heard.length === 1 && c.heard.length === 1);
    expect(performance.now() - sent).toBeLessThan(100);
    expect(b.heard[0]).toMatchObject({ from: 'a', change: { rooms: ['!x:hs'], destinations: [], revoke: { kind: 'user', userId: '@u:hs' } } });
    expect(a.heard).toEqual([]);
  });

  it('the listening connection runs one statement at a time: publishes, leads and heartbeats at once were handed to pg together, which queues them and warns (pg 8) or refuses them (pg 9)', async () => {
    const running = new Map<pg.Client, number>();
    let most = 0;
    const query = pg.Client.prototype.query;
    const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
      const now = (running.get(this) ?? 0) + 1;
      running.set(this, now);
      most = Math.max(most, now);
      const result = (query as (...values: unknown[]) => unknown).apply(this, args);
      const done = () => void running.set(this, running.get(this)! - 1);
      if (result instanceof Promise) result.then(done, done);
      else done();
      return result;
    } as typeof query);
    try {
      const a = await replica('a', { heartbeatMs: 5 });
      await Promise.all([
        ...Array.from({ length: 30 }, (_, i) => a.replicas.publish({ rooms: [`!r${i}:hs`], destinations: [] })),
        a.replicas.lead('index-sweeper'),
        a.replicas.leader('index-sweeper'),
        new Promise((resolve) => setTimeout(resolve, 50)),
      ]);
      expect(a.replicas.listening).toBe(true);
      expect(most).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('a change too large for one notification is told as "everything changed"', async () => {
    const a = await replica('a');
    const b = await replica('b');
    const rooms = Array.from({ length: 500 }, (_, i) => `!room-number-${i}:some.server.example`);
    await a.replicas.publish({ rooms, destinations: [] });
    await until(() => b.heard.length === 1);
    expect(b.heard[0]!.change).toEqual({ rooms: 'all', destinations: 'all' });
  });

  it('one replica leads a role at a time; the others take it over once its connection ends', async () => {
    const a = await replica('a');
    const b = await replica('b');
    expect(await a.replicas.lead('index-sweeper')).toBe(true);
    expect(await b.replicas.lead('index-sweeper')).toBe(false);
    expect(await a.replicas.lead('index-sweeper')).toBe(true);
    expect(await b.replicas.leader('index-sweeper')).toBe('a');
    // Another role is led apart.
    expect(await b.replicas.lead('background')).toBe(true);
    await a.replicas.close();
    await until(() => b.replicas.lead('index-sweeper'));
    expect(await b.replicas.leader('index-sweeper')).toBe('b');
  });

  it('a replica whose connection is cut stops listening and gives up its lead, then reconnects and listens again', async () => {
    const a = await replica('a');
    const b = await replica('b');
    expect(await a.replicas.lead('index-sweeper')).toBe(true);
    // The server ends a's connection, as when PostgreSQL restarts or the network drops it.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'synapse-admin-facade:a'");
    } finally {
      await admin.end();
    }
    await until(() => a.listening.includes(false));
    expect(await b.replicas.lead('index-sweeper')).toBe(true);
    await until(() => a.replicas.listening);
    expect(a.listening).toEqual([false, true]);
    expect(await a.replicas.lead('index-sweeper')).toBe(false);
    // Changes reach it again.
    await b.replicas.publish({ rooms: 'all', destinations: [] });
    await until(() => a.heard.length === 1);
  });
});
