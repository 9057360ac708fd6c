// Per-room reads through the facade vs Synapse: details, members, state, block status, forward extremities.
import { describe, inject, it } from 'vitest';
import { admin, expectSameAnswer, expectSameSuccess, seg, useFacade } from './support/compare.ts';
import { blockStatus, roomDetails, unchanged } from './support/expected.ts';

useFacade();
const rooms = () => Object.entries(inject('synapseSeed').rooms);

describe('e2e room reads', () => {
  it('details of every seeded room, by raw and by percent-encoded ID', async () => {
    for (const [, roomId] of rooms()) {
      await expectSameSuccess({ target: admin(`/v1/rooms/${seg(roomId)}`) }, roomDetails);
      await expectSameSuccess({ target: admin(`/v1/rooms/${roomId}`) }, roomDetails);
    }
  });

  it('details of unknown rooms and odd IDs are the same 404s', async () => {
    for (const id of ['!nope:localhost', 'not-a-room', '', '%23seed-public%3Alocalhost']) {
      await expectSameAnswer({ target: admin(`/v1/rooms/${id}`) }, roomDetails);
    }
  });

  it('members of every seeded room (and of an unknown one)', async () => {
    for (const [, roomId] of rooms()) await expectSameSuccess({ target: admin(`/v1/rooms/${seg(roomId)}/members`) }, unchanged);
    await expectSameAnswer({ target: admin('/v1/rooms/!nope:localhost/members') }, unchanged);
    await expectSameSuccess({ target: admin(`/v1/rooms/${seg(inject('synapseSeed').rooms.public)}/members?order_by=id&from=0&limit=5&dir=b`) }, unchanged);
  });

  it('state with and without type, for every seeded room', async () => {
    for (const [, roomId] of rooms()) {
      await expectSameSuccess({ target: admin(`/v1/rooms/${seg(roomId)}/state`) }, unchanged);
      for (const type of ['m.room.member', 'm.room.create', 'm.room.tombstone', '', 'no.such.type']) {
        await expectSameSuccess({ target: admin(`/v1/rooms/${seg(roomId)}/state?type=${type}`) }, unchanged);
      }
    }
    await expectSameAnswer({ target: admin('/v1/rooms/!nope:localhost/state?type=%C3%A9') }, unchanged);
  });

  it('block status of every seeded room (not blocked: user_id null)', async () => {
    for (const [, roomId] of rooms()) await expectSameSuccess({ target: admin(`/v1/rooms/${seg(roomId)}/block`) }, blockStatus);
    await expectSameSuccess({ target: admin('/v1/rooms/!unknown:localhost/block') }, blockStatus);
    await expectSameSuccess({ target: admin('/v1/rooms/!:localhost/block') }, blockStatus);
  });

  it('forward extremities of every seeded room, by ID and by alias, and of unknown rooms', async () => {
    for (const [, roomId] of rooms()) await expectSameSuccess({ target: admin(`/v1/rooms/${seg(roomId)}/forward_extremities`) }, unchanged);
    for (const alias of Object.keys(inject('synapseSeed').aliases)) {
      await expectSameSuccess({ target: admin(`/v1/rooms/${seg(alias)}/forward_extremities`) }, unchanged);
    }
    await expectSameSuccess({ target: admin('/v1/rooms/!unknown:localhost/forward_extremities') }, unchanged);
    await expectSameAnswer({ target: admin(`/v1/rooms/${seg('#nope:localhost')}/forward_extremities`) }, unchanged);
  });
});
