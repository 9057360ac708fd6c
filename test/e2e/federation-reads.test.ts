// Federation reads through the facade vs Synapse: destinations list (every order, filter, pages), details, rooms.
import { describe, expect, inject, it } from 'vitest';
import { DESTINATION_ORDER_BY } from '../../schemas/federation.ts';
import { admin, expectSameAnswer, expectSameSuccess, seg, useFacade } from './support/compare.ts';
import { destinationDetails, destinationList, destinationRooms } from './support/expected.ts';

useFacade();
const list = (query: string, from = 0) =>
  expectSameSuccess({ target: admin(`/v1/federation/destinations?${query}`) }, destinationList(from));
const allDestinations = () => {
  const { federation } = inject('synapseSeed');
  return [...federation.seeded, ...federation.probed].map((d) => d.destination);
};

describe('e2e federation reads', () => {
  it.each(DESTINATION_ORDER_BY)('order_by=%s in both directions, whole list and a middle page', async (orderBy) => {
    for (const dir of ['f', 'b']) {
      await list(`order_by=${orderBy}&dir=${dir}`);
      await list(`order_by=${orderBy}&dir=${dir}&from=3&limit=4`, 3);
    }
  });

  it('the destination filter: substring, case, LIKE wildcards, empty, no match', async () => {
    for (const term of ['seed', 'SEED', 'alpha', '127.0.0', '_', '%', '', 'nothing-here']) {
      await list(`destination=${encodeURIComponent(term)}`);
    }
  });

  it('pages: walks by next_token, limit=0, from past the end', async () => {
    let from = 0;
    for (let page = 0; page < 50; page++) {
      const body = await list(`limit=5&from=${from}`, from);
      if (body.next_token === undefined) break;
      from = Number(body.next_token);
    }
    const zero = await list('limit=0&from=2', 2);
    expect(zero.next_token).toBe('2');
    await list('limit=0');
    await list('from=100000', 100000);
  });

  it('details of every seeded and probed destination, and the 404 of an unknown one', async () => {
    for (const destination of allDestinations()) {
      await expectSameSuccess({ target: admin(`/v1/federation/destinations/${seg(destination)}`) }, destinationDetails);
    }
    await expectSameAnswer({ target: admin('/v1/federation/destinations/unknown.invalid') }, destinationDetails);
    await expectSameAnswer({ target: admin('/v1/federation/destinations/') }, destinationDetails);
  });

  it('rooms of every destination, both directions and pages', async () => {
    for (const destination of allDestinations()) {
      for (const dir of ['f', 'b']) {
        const target = admin(`/v1/federation/destinations/${seg(destination)}/rooms?dir=${dir}`);
        await expectSameSuccess({ target }, destinationRooms(0));
        await expectSameSuccess({ target: `${target}&from=1&limit=2` }, destinationRooms(1));
        await expectSameSuccess({ target: `${target}&from=0&limit=0` }, destinationRooms(0));
      }
    }
    await expectSameAnswer({ target: admin('/v1/federation/destinations/unknown.invalid/rooms') }, destinationRooms(0));
  });
});
