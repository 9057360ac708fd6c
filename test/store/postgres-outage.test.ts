// A PostgreSQL store whose server goes away and comes back, through the facade's ManagedStore: operations reject as
// unavailable meanwhile and succeed again afterwards; no error or log line ever holds DATABASE_URL or its password.
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, stopPostgres, type PostgresStart } from '../../scripts/postgres/server.ts';
import { createLogger } from '../../src/log.ts';
import { openStore, type ManagedStore } from '../../src/store/open-store.ts';
import { StoreUnavailableError } from '../../src/store/store.ts';
import { databaseBehindRelay } from '../support/freezing-proxy.ts';
import { postgresUrl } from '../support/postgres.ts';
import { auditRow } from '../support/stores.ts';

/** The facade's store as src/server.ts opens it, logging each failure the same way into `lines`. */
function managedStore(databaseUrl: string, lines: string[], queryTimeoutMs?: number): { store: ManagedStore; operations: string[] } {
  const log = createLogger('info', new Writable({ write: (chunk: Buffer, _encoding, done) => done(void lines.push(chunk.toString('utf8'))) }));
  const operations: string[] = [];
  const store = openStore({
    dataDir: ':memory:',
    databaseUrl,
    retryMs: 50,
    ...(queryTimeoutMs === undefined ? {} : { queryTimeoutMs }),
    onError: (operation, error) => {
      operations.push(operation);
      log.error({ operation, err: error }, 'store operation failed');
    },
  });
  return { store, operations };
}

/** Everything that could show a secret: each log line and each rejection, deeply. */
function expectNoSecret(texts: readonly string[], url: string): void {
  const password = decodeURIComponent(new URL(url).password);
  for (const text of texts) {
    expect(text).not.toContain(password);
    expect(text).not.toContain(url);
  }
}

const rejectionOf = async (promise: Promise<unknown>): Promise<unknown> => promise.then(() => expect.fail('resolved'), (error: unknown) => error);

describe.skipIf(!postgresUrl())('postgres: a server that goes away', () => {
  // A server of its own, so that stopping it leaves every other test file's server alone.
  let root: string;
  let server: PostgresStart;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'facade-outage-'));
    // The server's unprivileged user must reach its directory (mkdtemp makes it 0700).
    chmodSync(root, 0o755);
    server = await startPostgres({ root });
  }, 60_000);
  afterAll(async () => {
    await stopPostgres(root);
    rmSync(root, { recursive: true, force: true });
  });

  it('rejects as unavailable while it is down, reports it, and answers again once it is back', async () => {
    const lines: string[] = [];
    const { store, operations } = managedStore(server.url, lines);
    try {
      await store.opened;
      expect(store.kind).toBe('postgres');
      await store.appendAudit(auditRow(1));

      process.kill(server.pid, 'SIGINT');
      while (existsSync(join(server.dataDir, 'postmaster.pid'))) await sleep(20);
      const down = await rejectionOf(store.listAudit({ limit: 5 }));
      expect(down).toBeInstanceOf(StoreUnavailableError);
      expect(operations).toContain('listAudit');

      const back = await startPostgres({ root });
      expect(back.url).toBe(server.url);
      expect((await store.listAudit({ limit: 5 })).map((entry) => entry.at)).toEqual([1]);
      expectNoSecret([...lines, inspect(down, { depth: 10 })], server.url);
      expect(lines.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  }, 30_000);

  it('never puts the URL or its password in an error or a log line: wrong password, closed port, unknown database, bad URL', async () => {
    const { port } = server;
    const password = 'pw-Secret-4711';
    const urls = [
      `postgres://facade:${password}@127.0.0.1:${port}/facade`,
      `postgres://facade:${password}@127.0.0.1:1/facade`,
      `postgres://facade:${new URL(server.url).password}@127.0.0.1:${port}/no_such_database_${password}`,
      `postgres://facade:${password}@127.0.0.1:${port}/facade?sslmode=bogus-${password}`,
    ];
    for (const url of urls) {
      const lines: string[] = [];
      const { store, operations } = managedStore(url, lines);
      await store.firstAttempt;
      const rejection = await rejectionOf(store.appendAudit(auditRow(1)));
      await store.close();
      expect(operations, url).toContain('open');
      expectNoSecret([...lines, inspect(rejection, { depth: 10 })], url);
    }
  }, 30_000);
});

describe.skipIf(!postgresUrl())('postgres: a server that stops answering', () => {
  it('an operation fails as unavailable within the query timeout (it waited for ever), the store says it is unreachable, and it answers again once the path is back', async () => {
    const { url, relay: proxy, drop } = await databaseBehindRelay();
    const lines: string[] = [];
    const { store, operations } = managedStore(url, lines, 300);
    try {
      await store.opened;
      await store.appendAudit(auditRow(1));
      expect(store.reachable).toBe(true);

      proxy.freeze();
      const startedAt = Date.now();
      const silent = await rejectionOf(store.appendAudit(auditRow(2)));
      expect(Date.now() - startedAt).toBeLessThan(2_000);
      expect(silent).toBeInstanceOf(StoreUnavailableError);
      expect(store.reachable).toBe(false);
      expect(operations).toContain('appendAudit');
      expectNoSecret([...lines, inspect(silent, { depth: 10 })], url);

      proxy.thaw();
      await store.appendAudit(auditRow(3));
      expect(store.reachable).toBe(true);
      expect((await store.listAudit({ limit: 5 })).map((entry) => entry.at)).toContain(3);
    } finally {
      await store.close();
      await drop();
    }
  }, 30_000);
});
