// Pins what the e2e helpers promise: a real, seeded Synapse reachable with the admin token.
import { describe, expect, it } from 'vitest';
import { synapseRun } from '../../../scripts/synapse/paths.ts';
import { ensureSynapse, synapseFetch, synapseSeed } from './synapse.ts';
import { runningBehaviour } from './versions.ts';

describe('e2e support: real Synapse', () => {
  it('runs the chosen release ($SYNAPSE_VERSION, default the pinned one) and database on loopback with local admin and user IDs', async () => {
    const state = await ensureSynapse();
    expect(new URL(state.baseUrl).hostname).toBe('127.0.0.1');
    expect(state.version).toBe(synapseRun.version);
    expect(state.database).toBe(synapseRun.database);
    expect(state.adminUserId).toBe(`@admin:${state.serverName}`);
    expect(state.userUserId).toBe(`@user:${state.serverName}`);
  });

  it('lists every seeded room through the admin API', async () => {
    const seed = await synapseSeed();
    const response = await synapseFetch('/_synapse/admin/v1/rooms?limit=100');
    expect(response.status).toBe(200);
    const { rooms } = (await response.json()) as { rooms: { room_id: string }[] };
    expect(rooms.map((room) => room.room_id)).toEqual(expect.arrayContaining(Object.values(seed.rooms)));
  });

  it('has the tombstone and the history the seed recorded', async () => {
    const seed = await synapseSeed();
    const details = (await (await synapseFetch(`/_synapse/admin/v1/rooms/${encodeURIComponent(seed.tombstone.roomId)}`)).json()) as Record<string, unknown>;
    // Releases before 1.153 do not say so (test/e2e/support/versions.ts); the tombstone event is there all the same.
    const tombstone = { tombstoned: true, replacement_room: seed.tombstone.replacementRoomId };
    const absent = runningBehaviour(await ensureSynapse()).roomDetailsAbsent;
    expect(Object.fromEntries(Object.keys(tombstone).filter((key) => key in details).map((key) => [key, details[key]])))
      .toStrictEqual(Object.fromEntries(Object.entries(tombstone).filter(([key]) => !absent.includes(key))));
    const state = (await (await synapseFetch(`/_synapse/admin/v1/rooms/${encodeURIComponent(seed.tombstone.roomId)}/state`)).json()) as { state: Record<string, unknown>[] };
    expect(state.state.find((event) => event.type === 'm.room.tombstone')).toMatchObject({ event_id: seed.tombstone.eventId });
    const timestamps = seed.history.map((event) => event.originServerTs);
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b));
    expect(new Set(timestamps).size).toBe(timestamps.length);
  });

  it('has seeded and probed federation destinations', async () => {
    const seed = await synapseSeed();
    const response = await synapseFetch('/_synapse/admin/v1/federation/destinations?limit=1000');
    const { destinations } = (await response.json()) as { destinations: { destination: string; retry_interval: number }[] };
    const names = destinations.map((d) => d.destination);
    expect(seed.federation.seeded.length).toBeGreaterThanOrEqual(12);
    expect(names).toEqual(expect.arrayContaining([...seed.federation.seeded, ...seed.federation.probed].map((d) => d.destination)));
    for (const probe of seed.federation.probed) expect(probe.retry_interval).toBeGreaterThanOrEqual(600_000);
  });

  it('sends the admin token unless the caller overrides Authorization', async () => {
    const response = await synapseFetch('/_synapse/admin/v1/rooms', { headers: { authorization: 'Bearer nonsense' } });
    expect(response.status).toBe(401);
  });
});
