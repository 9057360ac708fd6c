// Seeds federation destinations: real failures via to-device probes (§6.5) and deterministic rows written into
// Synapse's database, SQLite or PostgreSQL (§6.4).
import { setTimeout as sleep } from 'node:timers/promises';
import { runSql, type SynapseDatabaseTarget } from './database.ts';
import type { SeedClient } from './internal/client.ts';
import { matrixRequest } from './internal/matrix.ts';

/**
 * IP-literal server names on loopback: no DNS, no .well-known, and Synapse's default ip_range_blacklist
 * refuses 127.0.0.0/8, so the "send" fails inside Synapse and nothing leaves the machine.
 */
export const PROBE_DESTINATIONS = ['127.0.0.2:9', '127.0.0.3:9', '127.0.0.4:9'] as const;

export interface DestinationTimings {
  destination: string;
  failure_ts: number | null;
  retry_last_ts: number | null;
  retry_interval: number | null;
  last_successful_stream_ordering: number | null;
}

export interface SeededDestination extends DestinationTimings {
  rooms: { roomId: string; streamOrdering: number }[];
}

/** A fixed epoch (2023-11-14T22:13:20Z) so seeded timings are identical on every machine. */
const T0 = 1_700_000_000_000;

type RoomPicker = (index: number) => string;

/**
 * ≥ 12 rows for pagination and ordering: ties, NULLs, a port, an IPv6 literal and an upper-case name (byte order).
 * Every row with rooms has last_successful_stream_ordering ≥ their stream_ordering, so Synapse's catch-up loop
 * (transactions.py get_catch_up_outstanding_destinations) never tries to reach these made-up names.
 */
function deterministicDestinations(room: RoomPicker): SeededDestination[] {
  const row = (destination: string, failure: number | null, retryLast: number | null, interval: number | null,
    lastOk: number | null, rooms: SeededDestination['rooms'] = []): SeededDestination => ({
    destination, failure_ts: failure, retry_last_ts: retryLast, retry_interval: interval,
    last_successful_stream_ordering: lastOk, rooms,
  });
  const manyRooms = Array.from({ length: 7 }, (_, index) => ({ roomId: room(index), streamOrdering: 1000 + index }));
  return [
    row('alpha.seed.invalid', null, 0, 0, 900, [
      { roomId: room(0), streamOrdering: 100 }, { roomId: room(9), streamOrdering: 200 }, { roomId: room(5), streamOrdering: 300 },
    ]),
    row('bravo.seed.invalid', T0 + 5000, T0 + 5000, 600_000, null),
    row('charlie.seed.invalid', T0 + 5000, T0 + 5000, 1_200_000, 400, [{ roomId: room(0), streamOrdering: 350 }]),
    row('delta.seed.invalid:8448', T0, T0 + 86_400_000, 86_400_000, 10),
    row('echo.seed.invalid', null, null, null, null),
    row('foxtrot.seed.invalid', null, null, null, 1200, manyRooms),
    row('golf.seed.invalid', T0 + 60_000, T0 + 120_000, 604_800_000, 50),
    row('hotel.seed.invalid', T0 + 1, T0 + 1, 600_000, 0),
    row('india.seed.invalid', null, 0, 0, 1, [{ roomId: room(9), streamOrdering: 1 }]),
    row('juliet.seed.invalid', T0 + 3_600_000, T0 + 3_600_000, 2_400_000, null),
    row('kilo.seed.invalid', T0 + 5000, T0 + 5000, 600_000, 77),
    row('lima.seed.invalid', null, 0, 0, 500, [{ roomId: room(0), streamOrdering: 500 }]),
    // List and details disagree here: details null/zero failure_ts and retry_interval when retry_last_ts is 0/NULL.
    row('mike.seed.invalid', T0 + 9, 0, 600_000, null),
    row('november.seed.invalid', T0 + 11, null, null, 3),
    row('UPPER.seed.invalid', T0 + 2, T0 + 2, 600_000, null),
    row('[::1]:8448', T0 + 7, T0 + 7, 600_000, null),
  ];
}

/** The deterministic rows over the seeded rooms (a room ID per index, cycling). */
export function deterministicRows(roomIds: string[]): SeededDestination[] {
  return deterministicDestinations((index) => {
    const roomId = roomIds[index % roomIds.length];
    if (roomId === undefined) throw new Error('seeding destination_rooms needs at least one room');
    return roomId;
  });
}

/** The same upserts on both databases (SQLite 3.24+ and PostgreSQL 9.5+ both know ON CONFLICT … DO UPDATE). */
const UPSERT_DESTINATION = `INSERT INTO destinations
  (destination, failure_ts, retry_last_ts, retry_interval, last_successful_stream_ordering) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (destination) DO UPDATE SET failure_ts = excluded.failure_ts, retry_last_ts = excluded.retry_last_ts,
  retry_interval = excluded.retry_interval, last_successful_stream_ordering = excluded.last_successful_stream_ordering`;
const UPSERT_ROOM = `INSERT INTO destination_rooms (destination, room_id, stream_ordering) VALUES ($1, $2, $3)
  ON CONFLICT (destination, room_id) DO UPDATE SET stream_ordering = excluded.stream_ordering`;
const EXISTS = 'SELECT 1 FROM destinations WHERE destination = $1';

/**
 * Writes the deterministic rows into Synapse's database while it runs.
 * Synapse caches get_destination_retry_timings: these names must not have been queried before (they are new),
 * otherwise restart Synapse. Returns the rows written and whether any already existed.
 */
export async function writeDeterministicDestinations(target: SynapseDatabaseTarget, roomIds: string[]): Promise<{ rows: SeededDestination[]; preExisting: boolean }> {
  const rows = deterministicRows(roomIds);
  const results = await runSql(target, [
    ...rows.map((r) => ({ sql: EXISTS, params: [r.destination] })),
    ...rows.flatMap((r) => [
      { sql: UPSERT_DESTINATION, params: [r.destination, r.failure_ts, r.retry_last_ts, r.retry_interval, r.last_successful_stream_ordering] },
      ...r.rooms.map(({ roomId, streamOrdering }) => ({ sql: UPSERT_ROOM, params: [r.destination, roomId, streamOrdering] })),
    ]),
  ]);
  return { rows, preExisting: results.slice(0, rows.length).some((result) => result.rows.length > 0) };
}

/**
 * Sends one to-device message per probe destination and waits (default ≤ 60 s) until Synapse has recorded
 * the failed transaction: failure_ts = retry_last_ts = now, retry_interval = destination_min_retry_interval.
 */
export async function probeUnreachableDestinations(
  sender: SeedClient,
  { baseUrl, adminToken, timeoutMs = 60_000 }: { baseUrl: string; adminToken: string; timeoutMs?: number },
): Promise<DestinationTimings[]> {
  for (const destination of PROBE_DESTINATIONS) {
    await sender.sendToDevice('m.test', { [`@probe:${destination}`]: { PROBEDEVICE: { hello: 'world' } } });
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The list endpoint reads the table directly; the per-destination one goes through a cache.
    const { destinations } = await matrixRequest<{ destinations: DestinationTimings[] }>(
      baseUrl, '/_synapse/admin/v1/federation/destinations?limit=1000', { accessToken: adminToken },
    );
    const failed = destinations.filter((d) => PROBE_DESTINATIONS.some((p) => p === d.destination) && d.failure_ts !== null);
    if (failed.length === PROBE_DESTINATIONS.length) return failed;
    if (Date.now() > deadline) {
      throw new Error(`Synapse recorded no federation failure for ${PROBE_DESTINATIONS.join(', ')} within ${timeoutMs} ms`);
    }
    await sleep(500);
  }
}
