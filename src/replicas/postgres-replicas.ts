// Replicas on one PostgreSQL: changes travel by NOTIFY on one channel, each replica LISTENs on its own connection,
// and that same connection holds the session advisory locks that make one replica lead (PostgreSQL frees them when
// the connection ends, so a replica killed with SIGKILL gives up its lead at once). A heartbeat on the connection
// finds a dead link within seconds; until the connection is back and listening again, this replica says it is not
// listening, and the facade serves nothing from its cache.
import pg from 'pg';
import type { Logger } from '../log.ts';
import { redactorOf } from '../store/postgres.ts';
import type { HeardChange, LeadRole, Replicas } from './replicas.ts';

/** The channel every replica of a store listens on. */
export const CHANGES_CHANNEL = 'synapse_admin_facade_changes';

/** NOTIFY payloads must stay under 8000 bytes; a larger change is sent as "everything". */
const MAX_PAYLOAD_BYTES = 7_900;

/** Options of the PostgreSQL replicas. */
export interface PostgresReplicasOptions {
  url: string;
  replicaId: string;
  logger: Logger;
  /** Heartbeat (`SELECT 1`) period on the listening connection, milliseconds. Default 1000. */
  heartbeatMs?: number;
  /** A heartbeat or publish slower than this counts as a dead connection, milliseconds. Default 3000. */
  deadAfterMs?: number;
  /** First pause before reconnecting, doubled up to 5 s, milliseconds. Default 250. */
  reconnectMs?: number;
  /** Counted: changes sent and heard, publishes that failed, heard changes' delay. */
  onSent?: () => void;
  onHeard?: (delayMs: number) => void;
  onPublishFailed?: () => void;
}

/** The lock key of a role, in the facade's own advisory-lock namespace. */
const lockKey = (role: LeadRole) => `synapse-admin-facade:${role}`;

/** Runs `work`, rejecting when it takes longer than `ms`. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from PostgreSQL within ${ms} ms`)), ms).unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The last statement asked of each connection; the next one starts once it has settled. */
const lastStatement = new WeakMap<pg.Client, Promise<unknown>>();

/**
 * Runs `statement` on `connection` once every statement asked of it before has settled, rejecting when no answer came
 * within `ms` of the asking. Publishes, leads and heartbeats come at any time: handed to pg together, they ran
 * queued by pg 8, which warns that pg 9 will refuse them.
 */
function inTurn<T>(connection: pg.Client, ms: number, statement: () => Promise<T>): Promise<T> {
  const before = lastStatement.get(connection) ?? Promise.resolve();
  const mine = before.then(statement);
  lastStatement.set(connection, mine.catch(() => undefined));
  return within(ms, mine);
}

const isHeard = (value: unknown): value is HeardChange => {
  const heard = value as Partial<HeardChange> | null;
  return typeof heard?.from === 'string' && typeof heard.sentAt === 'number' && typeof heard.change === 'object' && heard.change !== null;
};

/**
 * Connects (retrying for ever, in the background) and resolves at once; `listening` turns true once LISTEN has
 * succeeded. `firstAttempt` resolves when the first connection attempt has ended either way.
 */
export function startPostgresReplicas(options: PostgresReplicasOptions): Replicas & { firstAttempt: Promise<void> } {
  const { url, replicaId, logger, heartbeatMs = 1_000, deadAfterMs = 3_000, reconnectMs = 250 } = options;
  const changeHandlers: ((heard: HeardChange) => void)[] = [];
  const listeningHandlers: ((listening: boolean) => void)[] = [];
  let client: pg.Client | undefined;
  let listening = false;
  let closed = false;
  let heartbeat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let backoff = reconnectMs;
  const held = new Set<LeadRole>();
  // pg's errors may name the connection string; the store's redaction blanks it and its password (a lost
  // connection comes back as StoreUnavailableError around the redacted error, whose message says more).
  const redact = redactorOf(url);
  const safeMessage = (error: unknown) => {
    const redacted = redact(error);
    return redacted.cause instanceof Error ? redacted.cause.message : redacted.message;
  };

  const setListening = (value: boolean) => {
    if (listening === value) return;
    listening = value;
    if (value) logger.info({ replica: replicaId }, 'replica listening: changes from other replicas arrive; the cache is in use');
    else logger.warn({ replica: replicaId }, 'replica not listening: the cache and admin verdicts are dropped and unused until it listens again');
    for (const handler of listeningHandlers) handler(value);
  };

  /** Ends the connection after a failure: the lead and the listening go with it; a reconnect is scheduled. */
  const lost = (connection: pg.Client, error: unknown) => {
    if (client !== connection) return;
    client = undefined;
    held.clear();
    clearInterval(heartbeat);
    connection.removeAllListeners('notification');
    connection.end().catch(() => {});
    if (!closed) logger.warn({ replica: replicaId, error: safeMessage(error) }, 'replica connection to PostgreSQL lost');
    setListening(false);
    scheduleConnect();
  };

  const scheduleConnect = () => {
    if (closed) return;
    clearTimeout(retry);
    retry = setTimeout(() => void connect(), backoff).unref();
    backoff = Math.min(backoff * 2, 5_000);
  };

  const connect = async (): Promise<void> => {
    if (closed || client) return;
    const connection = new pg.Client({ connectionString: url, application_name: `synapse-admin-facade:${replicaId}`, connectionTimeoutMillis: deadAfterMs, keepAlive: true });
    connection.on('error', (error) => lost(connection, error));
    connection.on('end', () => lost(connection, new Error('connection ended')));
    connection.on('notification', (message) => {
      if (message.channel !== CHANGES_CHANNEL || message.payload === undefined) return;
      let heard: unknown;
      try {
        heard = JSON.parse(message.payload);
      } catch {
        return;
      }
      if (!isHeard(heard) || heard.from === replicaId) return;
      options.onHeard?.(Date.now() - heard.sentAt);
      for (const handler of changeHandlers) handler(heard);
    });
    try {
      client = connection;
      await within(deadAfterMs, connection.connect());
      await inTurn(connection, deadAfterMs, () => connection.query(`LISTEN ${CHANGES_CHANNEL}`));
    } catch (error) {
      lost(connection, error);
      return;
    }
    backoff = reconnectMs;
    heartbeat = setInterval(() => {
      inTurn(connection, deadAfterMs, () => connection.query('SELECT 1')).catch((error: unknown) => lost(connection, error));
    }, heartbeatMs).unref();
    setListening(true);
  };

  const firstAttempt = connect();

  return {
    replicaId,
    firstAttempt,
    get listening() {
      return listening;
    },
    async publish(change) {
      const connection = client;
      let payload = JSON.stringify({ from: replicaId, sentAt: Date.now(), change });
      if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
        payload = JSON.stringify({ from: replicaId, sentAt: Date.now(), change: { rooms: 'all', destinations: 'all', revoke: change.revoke } });
      }
      if (!connection) {
        // The lost connection was logged once; each change it cannot tell meanwhile is counted, not logged.
        options.onPublishFailed?.();
        return;
      }
      try {
        await inTurn(connection, deadAfterMs, () => connection.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, payload]));
        options.onSent?.();
      } catch (error) {
        options.onPublishFailed?.();
        logger.error({ replica: replicaId, error: safeMessage(error) }, 'a change could not be told to the other replicas: their caches keep it until their TTL');
        lost(connection, error);
      }
    },
    onChange: (handler) => void changeHandlers.push(handler),
    onListening: (handler) => void listeningHandlers.push(handler),
    async lead(role) {
      const connection = client;
      if (!connection || !listening) return false;
      if (held.has(role)) return true;
      try {
        const { rows } = await inTurn(connection, deadAfterMs, () =>
          connection.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [lockKey(role)]),
        );
        if (rows[0]?.locked !== true || client !== connection) return false;
        held.add(role);
        logger.info({ replica: replicaId, role }, 'this replica leads');
        return true;
      } catch (error) {
        lost(connection, error);
        return false;
      }
    },
    async leader(role) {
      const connection = client;
      if (!connection) return undefined;
      try {
        const { rows } = await inTurn(connection, deadAfterMs, () =>
          connection.query<{ name: string }>(
            'SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid ' +
              "WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0) LIMIT 1",
            [lockKey(role)],
          ),
        );
        const name = rows[0]?.name;
        return name?.startsWith('synapse-admin-facade:') ? name.slice('synapse-admin-facade:'.length) : undefined;
      } catch {
        return undefined;
      }
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(heartbeat);
      const connection = client;
      client = undefined;
      held.clear();
      listening = false;
      if (connection) {
        connection.removeAllListeners();
        connection.on('error', () => {});
        await connection.end().catch(() => {});
      }
    },
  };
}
