// A 200 that normalisation only added top-level members to goes out as Synapse's own bytes with those members
// appended: the same JSON value as serialising the normalised body, without serialising it (issue 13).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { topLevelAdditions, withMembersAppended } from '../../src/internal/json-splice.ts';
import { replyJson } from '../support/fake-upstream.ts';
import { useFacadeOverFake } from '../support/facade-over-fake.ts';
import { getAs, ROOMS } from '../routes/support.ts';

const { facade, upstream } = useFacadeOverFake();

/** A room as a current Synapse writes it: every documented field, booleans as booleans. */
const room = (n: number) => ({
  room_id: `!r${n}:example.org`, name: `Room ${n}`, canonical_alias: null, joined_members: n, joined_local_members: 1,
  version: '12', creator: '@a:example.org', encryption: null, federatable: true, public: false, join_rules: 'invite',
  guest_access: null, history_visibility: 'shared', state_events: 7, room_type: null,
});

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const jsonObject = fc.dictionary(fc.string({ maxLength: 5 }), jsonValue, { maxKeys: 5 });

describe('issue 13: a normalised answer reuses Synapse\'s bytes when only top-level members were added', () => {
  it('a page from a current Synapse is its own bytes plus next_token, byte for byte', async () => {
    const page = { rooms: [room(1), room(2)], offset: 0, total_rooms: 9, next_batch: 2 };
    const sent = JSON.stringify(page);
    upstream().handle((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(sent);
    });
    const answer = await getAs(facade().url, `${ROOMS}?limit=2`);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(`${sent.slice(0, -1)},"next_token":"2"}`);
  });

  it('a page that needed changes inside (0/1 booleans, a missing field) is serialised from the normalised value', async () => {
    const { room_type: _dropped, ...older } = room(3);
    upstream().handle((_request, response) => replyJson(response, 200, { rooms: [{ ...older, public: 1 }], offset: 0, total_rooms: 1 }));
    const answer = await getAs(facade().url, `${ROOMS}?limit=5`);
    expect((answer.body.rooms as unknown[])[0]).toMatchObject({ public: true, room_type: null });
  });

  it('appending to any object gives the normalised value, whitespace and empty objects included', () => {
    fc.assert(
      fc.property(jsonObject, jsonObject, fc.constantFrom('', ' ', '\n', ' \r\n\t'), (original, extra, space) => {
        const normalised = { ...original, ...extra };
        const added = topLevelAdditions(original, normalised);
        // Changed members (a key of `extra` already in `original` with another value) must refuse the reuse.
        const changed = Object.keys(extra).some((key) => Object.hasOwn(original, key) && JSON.stringify(original[key]) !== JSON.stringify(extra[key]));
        if (added === undefined) return changed;
        const bytes = Buffer.from(`${space}${JSON.stringify(original, null, space ? 1 : 0)}${space}`);
        expect(JSON.parse(withMembersAppended(bytes, added).toString())).toEqual(JSON.parse(JSON.stringify(normalised)));
        return true;
      }),
      { numRuns: 1000 },
    );
  });

  it('any change below the top level, or a dropped member, refuses the reuse', () => {
    const original = { rooms: [{ a: 1, b: [true, null] }], offset: 0 };
    expect(topLevelAdditions(original, { ...original, next_token: '1' })).toEqual({ next_token: '1' });
    expect(topLevelAdditions(original, { rooms: [{ a: 1, b: [1, null] }], offset: 0 })).toBeUndefined();
    expect(topLevelAdditions(original, { rooms: [{ a: 1, b: [true, null], c: null }], offset: 0 })).toBeUndefined();
    expect(topLevelAdditions(original, { rooms: [{ a: 1 }], offset: 0 })).toBeUndefined();
    expect(topLevelAdditions(original, { rooms: original.rooms })).toBeUndefined();
    expect(topLevelAdditions(original, { ...original, offset: '0' })).toBeUndefined();
    expect(topLevelAdditions([1], [1])).toBeUndefined();
  });

  it('keys in another order are the same value', () => {
    expect(topLevelAdditions({ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } })).toEqual({});
  });
});
