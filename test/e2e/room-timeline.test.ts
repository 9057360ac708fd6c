// Timeline reads through the facade vs Synapse: messages (tokens from earlier answers), timestamp_to_event, context.
import { describe, expect, inject, it } from 'vitest';
import { admin, expectSameAnswer, expectSameSuccess, seg, useFacade } from './support/compare.ts';
import { eventContext, unchanged, type Json } from './support/expected.ts';

useFacade();
const seed = () => inject('synapseSeed');
const messages = (roomId: string, query: string) =>
  expectSameSuccess({ target: admin(`/v1/rooms/${seg(roomId)}/messages?${query}`) }, unchanged);
const FILTER = encodeURIComponent(JSON.stringify({ types: ['m.room.message'] }));

describe('e2e room timeline', () => {
  it('messages forwards and backwards, following tokens of previous answers both ways', async () => {
    const room = seed().rooms.history;
    for (const dir of ['f', 'b']) {
      const first = await messages(room, `dir=${dir}&limit=7`);
      expect((first.chunk as Json[]).length).toBe(7);
      const second = await messages(room, `dir=${dir}&limit=7&from=${seg(first.end as string)}`);
      await messages(room, `dir=${dir === 'f' ? 'b' : 'f'}&from=${seg(second.start as string)}&limit=3`);
      await messages(room, `dir=${dir}&from=${seg(first.start as string)}&to=${seg(second.end as string)}&limit=100`);
    }
  });

  it('messages with a filter, limit 0, huge limits (capped) and `from=END`', async () => {
    const room = seed().rooms.history;
    await messages(room, `filter=${FILTER}&limit=15`);
    await messages(room, `dir=b&filter=${FILTER}&limit=15`);
    await messages(room, `filter=${encodeURIComponent(JSON.stringify({ lazy_load_members: true }))}&limit=5`);
    await messages(room, 'limit=0');
    await messages(room, 'limit=1001');
    await messages(room, 'limit=99999999999999999999');
    await messages(room, 'from=END&dir=b&limit=2');
    await messages(room, 'from=&to=&limit=2');
  });

  it('messages of every seeded room (default page) and of an unknown room', async () => {
    for (const roomId of Object.values(seed().rooms)) await messages(roomId, 'dir=b');
    await messages('!unknown:localhost', '');
  });

  it('a page past the end has no `end` token', async () => {
    const room = seed().rooms.history;
    const last = await messages(room, 'dir=b&limit=1');
    const after = await messages(room, `dir=f&from=${seg(last.end as string)}&limit=5`);
    const beyond = await messages(room, `dir=f&from=${seg((after.end ?? after.start) as string)}&limit=5`);
    expect(beyond.chunk).toBeDefined();
  });

  it('timestamp_to_event both ways around every history message, and before/after everything', async () => {
    const room = seg(seed().rooms.history);
    for (const event of seed().history.filter((_e, index) => index % 5 === 0)) {
      for (const dir of ['f', 'b']) {
        for (const ts of [event.originServerTs, event.originServerTs + 1, event.originServerTs - 1]) {
          const body = await expectSameSuccess({ target: admin(`/v1/rooms/${room}/timestamp_to_event?ts=${ts}&dir=${dir}`) }, unchanged);
          if (ts === event.originServerTs) expect(body.event_id).toBe(event.eventId);
        }
      }
    }
    await expectSameAnswer({ target: admin(`/v1/rooms/${room}/timestamp_to_event?ts=1`) }, unchanged);
    await expectSameAnswer({ target: admin(`/v1/rooms/${room}/timestamp_to_event?ts=1&dir=b`) }, unchanged);
    await expectSameAnswer({ target: admin(`/v1/rooms/${room}/timestamp_to_event?ts=99999999999999&dir=f`) }, unchanged);
    await expectSameAnswer({ target: admin('/v1/rooms/!unknown:localhost/timestamp_to_event?ts=1') }, unchanged);
  });

  it('context of history events with limits, a filter, and the errors for unknown and foreign events', async () => {
    const room = seg(seed().rooms.history);
    const { history, tombstone } = seed();
    for (const event of [history[0]!, history[20]!, history[history.length - 1]!]) {
      for (const query of ['', 'limit=0', 'limit=1', 'limit=6', 'limit=200', `limit=4&filter=${FILTER}`]) {
        await expectSameSuccess({ target: admin(`/v1/rooms/${room}/context/${seg(event.eventId)}?${query}`) }, eventContext);
      }
    }
    await expectSameAnswer({ target: admin(`/v1/rooms/${room}/context/${seg('$nope')}`) }, eventContext);
    await expectSameAnswer({ target: admin(`/v1/rooms/${room}/context/${seg(tombstone.eventId)}`) }, eventContext);
    await expectSameSuccess({ target: admin(`/v1/rooms/${seg(tombstone.roomId)}/context/${seg(tombstone.eventId)}`) }, eventContext);
  });
});
