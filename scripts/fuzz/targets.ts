// What the fuzz run aims at: real IDs for the reads, rooms made to be deleted, and the rooms DELETE must never reach.
import { writeFile } from 'node:fs/promises';
import { clientFor } from '../synapse/internal/client.ts';
import { matrixRequest } from '../synapse/internal/matrix.ts';
import type { SeedRecord } from '../synapse/seed.ts';
import type { SynapseState } from '../synapse/state.ts';
import { fuzzPaths } from './paths.ts';

/** Written to .fuzz/targets.json; read by hooks.py ($FUZZ_TARGETS) and turned into schemathesis dictionaries. */
export interface FuzzTargets {
  serverName: string;
  /** Seeded room IDs: read by every room route. */
  rooms: string[];
  /** Seeded aliases (`room_identifier` routes take either). */
  aliases: string[];
  /** Event IDs of the seeded history room and the tombstone. */
  events: string[];
  destinations: string[];
  /** Two victims deleted (v2) before the run and their delete_ids, so both delete_status routes answer 200 too. */
  deletedRooms: string[];
  deleteIds: string[];
  /** Rooms created for this run only: the only rooms a DELETE operation may delete. */
  victims: string[];
  /** Every room ID and alias that existed before the victims: hooks.py turns a DELETE aimed at one into a victim. */
  protected: string[];
}

/** Enough victims for the DELETEs that are rewritten (hooks.py); after that it uses IDs of rooms that never existed. */
export const VICTIM_COUNT = 12;

/**
 * Creates the victim rooms (one message each, so a purge has events to remove) as the admin, deletes two of them
 * with the v2 API for real delete_ids, and writes .fuzz/targets.json.
 */
export async function prepareTargets(state: SynapseState, seed: SeedRecord): Promise<FuzzTargets> {
  const admin = clientFor(state.baseUrl, state.adminToken);
  const created: string[] = [];
  for (let index = 0; index < VICTIM_COUNT + 2; index += 1) {
    const roomId = await admin.createRoom({ preset: 'private_chat', name: `Fuzz victim ${index + 1}` });
    await admin.sendMessage(roomId, `Fuzz victim ${index + 1}: this room exists to be deleted`);
    created.push(roomId);
  }
  const deleteIds: string[] = [];
  for (const roomId of created.slice(VICTIM_COUNT)) {
    const { delete_id } = await matrixRequest<{ delete_id: string }>(
      state.baseUrl, `/_synapse/admin/v2/rooms/${encodeURIComponent(roomId)}`,
      { method: 'DELETE', accessToken: state.adminToken, body: {} },
    );
    deleteIds.push(delete_id);
  }
  const rooms = Object.values(seed.rooms);
  const aliases = Object.keys(seed.aliases);
  const targets: FuzzTargets = {
    serverName: state.serverName,
    rooms,
    aliases,
    events: [...seed.history.slice(0, 5).map((event) => event.eventId), seed.tombstone.eventId],
    destinations: [...seed.federation.seeded, ...seed.federation.probed].map((row) => row.destination),
    deletedRooms: created.slice(VICTIM_COUNT),
    deleteIds,
    victims: created.slice(0, VICTIM_COUNT),
    protected: [...rooms, ...aliases],
  };
  await writeFile(fuzzPaths.targets, `${JSON.stringify(targets, null, 2)}\n`);
  return targets;
}

/**
 * Seeded rooms Synapse no longer knows (404 from the admin room details): a tripwire for the DELETE guard in hooks.py,
 * checked after the run. Blocking or make_room_admin on them is allowed; deleting them is not.
 */
export async function deletedSeededRooms(state: SynapseState, targets: FuzzTargets): Promise<string[]> {
  const missing: string[] = [];
  for (const roomId of targets.rooms) {
    try {
      await matrixRequest(state.baseUrl, `/_synapse/admin/v1/rooms/${encodeURIComponent(roomId)}`, { accessToken: state.adminToken });
    } catch {
      missing.push(roomId);
    }
  }
  return missing;
}
