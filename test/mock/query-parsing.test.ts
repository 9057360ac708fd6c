// Twisted/Synapse query parsing: `;` separators, dropped `=`-less keys, first value wins, Python int() syntax.
import { describe, it, expect } from 'vitest';
import { call, useMockSynapse } from './support.ts';

const mock = useMockSynapse();
const rooms = (query: string) => call(mock(), 'GET', `/_synapse/admin/v1/rooms?${query}`);

describe('query parsing (Synapse §1.3)', () => {
  it('splits on ";" as well as "&"', async () => {
    expect((await rooms('limit=2;from=3')).body).toMatchObject({ offset: 3, next_batch: 5 });
  });

  it('uses the first of repeated integer values without reading the rest', async () => {
    expect((await rooms('limit=2&limit=abc')).body.next_batch).toBe(2);
  });

  it('checks every value of a repeated string parameter, in order, and uses the first', async () => {
    expect((await rooms('dir=f&dir=x')).body).toEqual({ errcode: 'M_INVALID_PARAM', error: "Query parameter 'dir' must be one of ['b', 'f']" });
    expect((await rooms('order_by=name&order_by=%C3%A9')).body).toEqual({ errcode: 'M_UNKNOWN', error: "Query parameter 'order_by' must be ascii" });
    expect((await rooms('order_by=%C3%A9&order_by=x')).body.error).toBe("Query parameter 'order_by' must be ascii");
    expect((await rooms('search_term=Book&search_term=%FF')).body).toEqual({ errcode: 'M_UNKNOWN', error: "Query parameter 'search_term' must be utf-8" });
    expect((await rooms('limit=3&dir=b&dir=f')).body.rooms).toEqual((await rooms('limit=3&dir=b')).body.rooms);
  });

  it('drops pairs without "=" but keeps blank values', async () => {
    expect((await rooms('search_term')).status).toBe(200);
    expect((await rooms('search_term=')).status).toBe(400);
  });

  it('accepts Python int() syntax and rejects the rest with exact texts', async () => {
    expect((await rooms('limit=1_0')).body.next_batch).toBe(10);
    expect((await rooms('limit=+2')).body.next_batch).toBe(2);
    expect((await rooms('limit=%202%20')).body.next_batch).toBe(2);
    expect((await rooms('limit=1__0')).body).toEqual({ errcode: 'M_INVALID_PARAM', error: 'Query parameter limit must be an integer' });
    expect((await rooms('from=-1')).body).toEqual({ errcode: 'M_INVALID_PARAM', error: 'Query parameter from must be a positive integer.' });
    expect((await rooms('from=-0')).status).toBe(200);
  });

  it('turns "+" into a space', async () => {
    const res = await rooms('search_term=Book+club');
    expect((res.body.rooms as Array<{ name: string }>).every((room) => room.name.startsWith('Book club'))).toBe(true);
    expect((res.body.rooms as unknown[]).length).toBeGreaterThan(0);
  });

  it('rejects non-ASCII in ascii parameters with M_UNKNOWN', async () => {
    expect((await rooms('order_by=%C3%A9')).body).toEqual({ errcode: 'M_UNKNOWN', error: "Query parameter 'order_by' must be ascii" });
  });
});
