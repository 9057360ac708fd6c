// Every validation error the facade answers itself, asked of Synapse too: status, errcode and error must match.
import { describe, inject, it } from 'vitest';
import { admin, expectSameError, seg, useFacade } from './support/compare.ts';

useFacade();
const bad = (target: string) => expectSameError({ target: admin(target) });
const seed = () => inject('synapseSeed');

/** Integer parameter values Synapse's parse_integer rejects (or that reach its negative check). */
const BAD_INTEGERS = ['', 'abc', '-1', '1.5', '1e3', '1__0', '_1', '1_', '0x10', '%C3%A9', '%00', '--1', '+-1', '1%20000', '%D9%A1'];

describe('e2e validation errors: the facade says what Synapse says', () => {
  it('rooms list: from, limit, order_by, search_term, public_rooms, empty_rooms, dir', async () => {
    for (const value of BAD_INTEGERS) {
      await bad(`/v1/rooms?from=${value}`);
      await bad(`/v1/rooms?limit=${value}`);
    }
    for (const value of ['bogus', 'NAME', '', '%C3%A9', 'name%00']) await bad(`/v1/rooms?order_by=${value}`);
    await bad('/v1/rooms?search_term=');
    await bad('/v1/rooms?search_term=%FF');
    for (const value of ['', 'True', '1', 'yes']) {
      await bad(`/v1/rooms?public_rooms=${value}`);
      await bad(`/v1/rooms?empty_rooms=${value}`);
    }
    for (const value of ['', 'F', 'forward', 'x', '%C3%A9']) await bad(`/v1/rooms?dir=${value}`);
  });

  it('rooms list: the first failing parameter in Synapse order wins', async () => {
    await bad('/v1/rooms?dir=x&order_by=x&limit=x&from=x');
    await bad('/v1/rooms?dir=x&order_by=x&limit=x');
    await bad('/v1/rooms?dir=x&empty_rooms=x&public_rooms=x&search_term=&order_by=x');
    await bad('/v1/rooms?dir=x&empty_rooms=x&public_rooms=x&search_term=');
    await bad('/v1/rooms?dir=x&empty_rooms=x&public_rooms=x');
    await bad('/v1/rooms?dir=x&empty_rooms=x');
  });

  it('query parsing: `;` separators, repeated keys, percent-encoded keys, `+`, whitespace and `_` in integers', async () => {
    await bad('/v1/rooms?limit=3;from=x');
    await bad('/v1/rooms?from=x&from=1');
    await bad('/v1/rooms?%66rom=-1');
    await bad('/v1/rooms?order_by=na+me');
    await bad('/v1/rooms?limit=1_0_');
    await bad('/v1/rooms?limit=%0B-3');
  });

  it('repeated string keys: Synapse checks every value, not only the first', async () => {
    await bad('/v1/rooms?order_by=name&order_by=bogus');
    await bad('/v1/rooms?order_by=bogus&order_by=name');
    await bad('/v1/rooms?dir=f&dir=x');
    await bad('/v1/rooms?order_by=name&order_by=%C3%A9');
    await bad('/v1/rooms?search_term=a&search_term=%FF');
    await bad('/v1/federation/destinations?order_by=destination&order_by=x');
    await bad('/v1/federation/destinations?destination=a&destination=%C3%A9');
    await bad(`/v1/rooms/${seg(seed().rooms.history)}/messages?dir=b&dir=x`);
    await bad(`/v1/rooms/${seg(seed().rooms.history)}/messages?filter={}&filter=%FF`);
    await bad(`/v1/rooms/${seg(seed().rooms.history)}/state?type=m.room.create&type=%C3%A9`);
    await bad(`/v1/rooms/${seg(seed().rooms.history)}/timestamp_to_event?ts=1&dir=f&dir=x`);
  });

  it('non-ASCII order_by and dir are M_UNKNOWN "must be ascii"', async () => {
    await bad('/v1/rooms?order_by=%C3%A9');
    await bad('/v1/federation/destinations?order_by=%C3%A9');
    await bad('/v1/federation/destinations?destination=%C3%A9');
    await bad('/v1/rooms?dir=%FF');
  });

  it('destinations list and destination rooms', async () => {
    for (const value of BAD_INTEGERS.slice(0, 6)) {
      await bad(`/v1/federation/destinations?from=${value}`);
      await bad(`/v1/federation/destinations?limit=${value}`);
      await bad(`/v1/federation/destinations/alpha.seed.invalid/rooms?from=${value}`);
      await bad(`/v1/federation/destinations/alpha.seed.invalid/rooms?limit=${value}`);
    }
    for (const value of ['name', '', 'DESTINATION']) await bad(`/v1/federation/destinations?order_by=${value}`);
    await bad('/v1/federation/destinations?dir=up');
    await bad('/v1/federation/destinations/alpha.seed.invalid/rooms?dir=up');
    await bad('/v1/federation/destinations/unknown.invalid/rooms?dir=up&from=-1');
    await bad('/v1/federation/destinations?dir=x&order_by=x&destination=%FF&limit=x&from=x');
  });

  it('state type and unknown rooms', async () => {
    await bad(`/v1/rooms/${seg(seed().rooms.public)}/state?type=%C3%A9`);
    await bad('/v1/rooms/!nope:localhost/state?type=%C3%A9');
  });

  it('messages: dir, from/to tokens, limit, filter JSON, in Synapse order', async () => {
    const room = seg(seed().rooms.history);
    for (const query of [
      'dir=x', 'from=x', 'from=s', 'from=t1', 'from=s1_x', 'from=%C3%A9', 'to=garbage', 'to=END',
      'from=s1_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0_0', 'from=m1~x', 'from=t1-2-3',
      'limit=-1', 'limit=x', 'limit=', 'filter=', 'filter={', 'filter=nope', 'filter=%FF', 'filter=%7B%22a%22:NaN%7D',
      'filter=%257B', 'dir=x&from=x', 'from=x&to=x', 'to=x&limit=x', 'limit=x&filter={', 'from=bad&limit=abc',
    ]) {
      await bad(`/v1/rooms/${room}/messages?${query}`);
    }
  });

  it('timestamp_to_event: ts missing, negative, non-integer; dir', async () => {
    const room = seg(seed().rooms.history);
    for (const query of ['', 'dir=b', 'ts=', 'ts=-5', 'ts=1.0', 'ts=now', 'ts=1&dir=x', 'ts=x&dir=x', 'ts=%20']) {
      await bad(`/v1/rooms/${room}/timestamp_to_event?${query}`);
    }
  });

  it('context: limit and filter', async () => {
    const { history } = seed();
    const target = `/v1/rooms/${seg(seed().rooms.history)}/context/${seg(history[3]!.eventId)}`;
    for (const query of ['limit=-1', 'limit=x', 'filter={', 'filter=%FF', 'limit=x&filter={']) await bad(`${target}?${query}`);
  });

  it('invalid room IDs on block, delete_status and forward_extremities', async () => {
    for (const id of ['not-a-room', '%23alias%3Alocalhost', '!short', '!a:bad_host', '!a:host:port', '!' + 'a'.repeat(42), '@user:localhost']) {
      await bad(`/v1/rooms/${id}/block`);
      await bad(`/v2/rooms/${id}/delete_status`);
    }
    for (const id of ['not-a-room', '!a:bad_host', '#nocolon', '@user:localhost']) await bad(`/v1/rooms/${id}/forward_extremities`);
  });

  it('unknown delete IDs and rooms without delete tasks are 404s', async () => {
    await bad('/v2/rooms/delete_status/nosuchdeleteid');
    await bad('/v2/rooms/delete_status/delete_status');
    await bad(`/v2/rooms/${seg(seed().rooms.public)}/delete_status`);
  });

  it('authentication the facade checks itself: missing, mixed and malformed tokens', async () => {
    const target = admin('/v1/rooms?limit=x');
    await expectSameError({ target, token: 'none' });
    await expectSameError({ target, token: 'none', headers: { authorization: 'Bearer' } });
    await expectSameError({ target, token: 'none', headers: { authorization: 'bearer abc' } });
    await expectSameError({ target, token: 'none', headers: { authorization: 'Bearer a b' } });
    await expectSameError({ target: `${target}&access_token=nope` });
  });

  // Synapse authenticates (401 unknown token, 403 not an admin) before it reads any parameter; the facade only
  // checks that a token is present, then validates, so a bad parameter with a bad token gets the facade's 400.
  // Needs a change in src/pipeline (reported); flip to `it` once the pipeline asks Synapse about the token first.
  it('authentication Synapse checks first: unknown and non-admin tokens beat parameter errors', async () => {
    const target = admin('/v1/rooms?limit=x');
    await expectSameError({ target, token: 'none', headers: { authorization: 'Bearer nope' } });
    await expectSameError({ target: admin('/v1/federation/destinations?from=x&access_token=nope'), token: 'none' });
    await expectSameError({ target, token: 'user' });
  });
});
