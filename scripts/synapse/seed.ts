// Seeds the local Synapse once with realistic rooms, users and federation rows; records them in .synapse/seed.json.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { readRegistrationSharedSecret } from './config.ts';
import { clientFor } from './internal/client.ts';
import { matrixRequest } from './internal/matrix.ts';
import { runDatabase } from './database.ts';
import { synapsePaths } from './paths.ts';
import { registerOrLogin } from './register.ts';
import {
  probeUnreachableDestinations, writeDeterministicDestinations, type DestinationTimings, type SeededDestination
} from './seed-federation.ts';
import { seedRooms, type RoomsSeed } from './seed-rooms.ts';
import { readState, type SynapseState } from './state.ts';

const EXTRA_USERS = ['alice', 'bob', 'carol', 'dave'] as const;

/** Contents of .synapse/seed.json. */
export interface SeedRecord extends RoomsSeed {
  seededAt: number;
  synapseVersion: string;
  /** Username → user ID for admin, user and the extra users. */
  users: Record<string, string>;
  federation: {
    /** Destinations with real failure timings recorded by Synapse itself (to-device probes). */
    probed: DestinationTimings[];
    /** Deterministic rows written into destinations/destination_rooms. */
    seeded: SeededDestination[];
  };
}

/** The recorded seed if its public room still exists on the server (a wiped database means seeding again). */
async function existingSeed(state: SynapseState): Promise<SeedRecord | undefined> {
  if (!existsSync(synapsePaths.seed)) return undefined;
  const seed = JSON.parse(await readFile(synapsePaths.seed, 'utf8')) as SeedRecord;
  try {
    await matrixRequest(state.baseUrl, `/_synapse/admin/v1/rooms/${encodeURIComponent(seed.rooms.public)}`, { accessToken: state.adminToken });
    return seed;
  } catch {
    return undefined;
  }
}

/**
 * Seeds `state`'s Synapse unless .synapse/seed.json already describes this server's data; returns the record.
 * Everything goes through the client API except the deterministic federation rows (written to its database, §6.4).
 */
export async function seedSynapse(state: SynapseState, { log = console.error }: { log?: (line: string) => void } = {}): Promise<SeedRecord> {
  const existing = await existingSeed(state);
  if (existing !== undefined) return existing;
  log('synapse: seeding rooms, users and federation destinations');
  const { baseUrl, serverName } = state;
  const registrationSharedSecret = await readRegistrationSharedSecret();
  const register = async (username: string) => {
    const user = await registerOrLogin({ baseUrl, registrationSharedSecret, username, password: `${username}-password` });
    return { userId: user.userId, client: clientFor(baseUrl, user.accessToken) };
  };
  const [alice, bob, carol, dave] = await Promise.all(EXTRA_USERS.map(register));
  if (alice === undefined || bob === undefined || carol === undefined || dave === undefined) throw new Error('unreachable');
  const owner = { userId: state.userUserId, client: clientFor(baseUrl, state.userToken) };
  const admin = { userId: state.adminUserId, client: clientFor(baseUrl, state.adminToken) };

  const rooms = await seedRooms({ serverName, owner, admin, extras: { alice, bob, carol, dave } });
  const probed = await probeUnreachableDestinations(owner.client, { baseUrl, adminToken: state.adminToken });
  const { rows: seeded, preExisting } = await writeDeterministicDestinations(await runDatabase(), Object.values(rooms.rooms));
  if (preExisting) log('synapse: seeded destinations already existed; restart Synapse if their details look stale (cached)');

  const record: SeedRecord = {
    seededAt: Date.now(),
    synapseVersion: state.version,
    users: {
      admin: state.adminUserId, user: state.userUserId,
      alice: alice.userId, bob: bob.userId, carol: carol.userId, dave: dave.userId,
    },
    ...rooms,
    federation: { probed, seeded },
  };
  await writeFile(synapsePaths.seed, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/** The seed record written by a previous run, without contacting Synapse. */
export async function readSeed(): Promise<SeedRecord> {
  return JSON.parse(await readFile(synapsePaths.seed, 'utf8')) as SeedRecord;
}

if (import.meta.main) {
  const state = await readState();
  if (state === undefined) {
    console.error('synapse: no .synapse/state.json — run `npm run synapse:up` first');
    process.exitCode = 1;
  } else {
    const seed = await seedSynapse(state);
    console.error(`synapse: seeded ${Object.keys(seed.rooms).length} rooms, ${seed.federation.seeded.length + seed.federation.probed.length} destinations`);
  }
}
