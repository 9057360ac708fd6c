// Seeded federation destinations (healthy, failing, never reached) and their destination_rooms rows.
import type { DestinationRecord, DestinationRoom } from './types.ts';
import type { Prng } from '../internal/prng.ts';
import { DATA_EPOCH_MS } from '../constants.ts';
import * as F from '../fixtures.ts';

const TLDS = ['org', 'com', 'net', 'io', 'de', 'fr'];

/** Named destinations first, then `count` generated ones (some with names differing only in case). */
export function buildDestinations(prng: Prng, count: number): DestinationRecord[] {
  const named: DestinationRecord[] = [
    { destination: F.HEALTHY_DESTINATION, retryLastTs: 0, retryInterval: 0, failureTs: null, lastSuccessfulStreamOrdering: 4200 },
    { destination: F.FAILING_DESTINATION, retryLastTs: DATA_EPOCH_MS - 60_000, retryInterval: 600_000, failureTs: DATA_EPOCH_MS - 3_600_000, lastSuccessfulStreamOrdering: 1200 },
    { destination: F.NEVER_REACHED_DESTINATION, retryLastTs: DATA_EPOCH_MS - 120_000, retryInterval: 86_400_000, failureTs: DATA_EPOCH_MS - 86_400_000, lastSuccessfulStreamOrdering: null },
    { destination: F.STALE_FAILURE_DESTINATION, retryLastTs: 0, retryInterval: 300_000, failureTs: DATA_EPOCH_MS - 7_200_000, lastSuccessfulStreamOrdering: 900 },
    { destination: 'matrix.org', retryLastTs: null, retryInterval: null, failureTs: null, lastSuccessfulStreamOrdering: 5000 },
    { destination: 'remote.example', retryLastTs: 0, retryInterval: 0, failureTs: null, lastSuccessfulStreamOrdering: null },
  ];
  return [...named, ...generatedDestinations(prng, 0, count)];
}

/** Generated destinations `firstIndex` … `firstIndex + count − 1` (the index keeps every name apart). */
export function generatedDestinations(prng: Prng, firstIndex: number, count: number): DestinationRecord[] {
  const generated: DestinationRecord[] = [];
  for (let i = firstIndex; i < firstIndex + count; i++) {
    const host = `${prng.chars(prng.int(3, 9), 'abcdefghijklmnopqrstuvwxyz')}${i}.example.${prng.pick(TLDS)}`;
    const destination = i % 13 === 5 ? host.toUpperCase() : (prng.chance(0.2) ? `${host}:${prng.int(8000, 9000)}` : host);
    const failing = prng.chance(0.4);
    generated.push(failing ? {
      destination,
      retryLastTs: DATA_EPOCH_MS - prng.int(1, 10_000) * 1000,
      retryInterval: prng.pick([600_000, 1_200_000, 2_400_000, 86_400_000, 604_800_000]),
      failureTs: prng.chance(0.9) ? DATA_EPOCH_MS - prng.int(10_000, 900_000) * 1000 : null,
      lastSuccessfulStreamOrdering: prng.chance(0.3) ? null : prng.int(1, 5000),
    } : {
      destination,
      retryLastTs: prng.chance(0.3) ? null : 0,
      retryInterval: prng.chance(0.3) ? null : 0,
      failureTs: null,
      lastSuccessfulStreamOrdering: prng.chance(0.2) ? null : prng.int(1, 5000),
    });
  }
  return generated;
}

/** Links each destination to a seeded selection of rooms. */
export function buildDestinationRooms(prng: Prng, destinations: string[], roomIds: string[]): Map<string, DestinationRoom[]> {
  const rows = new Map<string, DestinationRoom[]>();
  for (const destination of destinations) {
    const count = destination === F.HEALTHY_DESTINATION ? Math.min(25, roomIds.length) : prng.int(0, 8);
    const chosen = new Set<string>();
    for (let i = 0; i < count; i++) chosen.add(destination === F.HEALTHY_DESTINATION ? roomIds[i] ?? '' : prng.pick(roomIds));
    rows.set(destination, [...chosen].filter((id) => id !== '').map((roomId) => ({ roomId, streamOrdering: prng.int(1, 5000) })));
  }
  return rows;
}
