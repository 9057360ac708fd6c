// What the running release and database answer where releases differ (test/e2e/support/versions.ts), read
// directly and through the facade: fields a release leaves out become null, booleans stay booleans, the default
// room version and where unnamed rooms sort are the release's and the database's own.
import { describe, expect, inject, it } from 'vitest';
import { admin, direct, seg, useFacade, viaFacade } from './support/compare.ts';
import type { Json } from './support/expected.ts';
import { runningBehaviour } from './support/versions.ts';

useFacade();
const behaviour = () => runningBehaviour(inject('synapse'));
const seededRooms = () => Object.values(inject('synapseSeed').rooms);

describe('the running release, through the facade', () => {
  it('room details: each field the release leaves out is absent from its answer and null in the facade’s', async () => {
    for (const roomId of seededRooms()) {
      const target = admin(`/v1/rooms/${seg(roomId)}`);
      const [synapse, facade] = [await direct({ target }), await viaFacade({ target })];
      expect(synapse.status).toBe(200);
      for (const field of behaviour().roomDetailsAbsent) {
        expect(Object.keys(synapse.body), `${roomId} ${field}`).not.toContain(field);
        expect(facade.body[field], `${roomId} ${field}`).toBeNull();
      }
    }
  });

  it('booleans are JSON booleans in the release’s room answers and in the facade’s', async () => {
    // Synapse converts SQLite's 0/1 itself since 1.67 (a160406d24, #13509): no release of the matrix sends integers.
    const target = admin('/v1/rooms?limit=100');
    const [synapse, facade] = [await direct({ target }), await viaFacade({ target })];
    for (const body of [synapse.body, facade.body]) {
      for (const room of body.rooms as Json[]) {
        expect([typeof room.public, typeof room.federatable]).toStrictEqual(['boolean', 'boolean']);
      }
    }
    const details = await viaFacade({ target: admin(`/v1/rooms/${seg(inject('synapseSeed').rooms.public)}`) });
    expect(typeof details.body.forgotten).toBe('boolean');
  });

  it('a room created without a version has the release’s default room version', async () => {
    const created = await direct({ method: 'POST', target: '/_matrix/client/v3/createRoom', token: 'user', body: JSON.stringify({ preset: 'private_chat' }) });
    const details = await viaFacade({ target: admin(`/v1/rooms/${seg(created.body.room_id as string)}`) });
    expect(details.body.version).toBe(behaviour().defaultRoomVersion);
    await viaFacade({ method: 'DELETE', target: admin(`/v2/rooms/${seg(created.body.room_id as string)}`), body: '{}' });
  });

  it('rooms without a name sort where the database puts NULL, and the facade keeps that order', async () => {
    const names = async (dir: string) => ((await viaFacade({ target: admin(`/v1/rooms?order_by=name&dir=${dir}&limit=1000`) })).body.rooms as Json[]).map((room) => room.name);
    for (const [dir, end] of [['f', behaviour().unnamedRoomsByName], ['b', behaviour().unnamedRoomsByName === 'first' ? 'last' : 'first']] as const) {
      const order = await names(dir);
      const unnamed = order.filter((name) => name === null).length;
      expect(unnamed, 'the seed has unnamed rooms').toBeGreaterThan(0);
      const atEnd = end === 'first' ? order.slice(0, unnamed) : order.slice(-unnamed);
      expect(atEnd, `dir=${dir}: unnamed rooms ${end}`).toStrictEqual(Array(unnamed).fill(null));
    }
  });
});
