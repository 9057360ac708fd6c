// Each route's normaliser against its output schema, on upstream bodies of old and current Synapse releases:
// the types keep them in step at compile time; this catches what the types cannot (e.g. `creator: ""`).
import { describe, expect, it } from 'vitest';
import type { ValidatedRequest } from '../../src/pipeline/owned-route.ts';
import { ownedRoutes } from '../../src/routes/owned-routes.ts';

const ROOM_ID = '!room:example.org';
const DELETE_ID = 'OeHkdtzHNzqMZuFx';

/** A room as Synapse 1.153+ lists it. */
const currentRoom = {
  room_id: ROOM_ID,
  name: 'Lobby',
  canonical_alias: '#lobby:example.org',
  joined_members: 3,
  joined_local_members: 2,
  version: '11',
  creator: '@alice:example.org',
  encryption: 'm.megolm.v1.aes-sha2',
  federatable: true,
  public: false,
  join_rules: 'invite',
  guest_access: null,
  history_visibility: 'shared',
  state_events: 12,
  room_type: null,
};

/** A room of an older release on SQLite: columns left out, 0/1 booleans, the empty creator of synapse#18563. */
const olderSqliteRoom = { room_id: '!old:example.org', name: null, creator: '', federatable: 1, public: 0, joined_members: 1 };

const shutdownRoom = { kicked_users: ['@bob:example.org'], failed_to_kick_users: [], local_aliases: [], new_room_id: null };

const contextEvent = { type: 'm.room.message', event_id: '$event', content: { body: 'hi' } };

/** Per route: the request the normaliser sees (only `known` matters) and representative upstream bodies. */
const samples: Record<string, { known?: Record<string, string>; bodies: object[] }> = {
  'GET /v1/rooms/{room_id}': {
    bodies: [
      { ...currentRoom, topic: 'Hello', avatar: null, joined_local_devices: 4, forgotten: false, tombstoned: true, replacement_room: '!new:example.org' },
      { ...olderSqliteRoom, topic: null, forgotten: 0 },
      olderSqliteRoom,
    ],
  },
  'DELETE /v1/rooms/{room_id}': {
    bodies: [{ kicked_users: [], failed_to_kick_users: [], local_aliases: ['#a:example.org'], new_room_id: '!new:example.org' }, { kicked_users: [], failed_to_kick_users: [], local_aliases: [] }],
  },
  'GET /v1/rooms/{room_id}/block': { bodies: [{ block: false }, { block: true, user_id: '@admin:example.org' }] },
  'PUT /v1/rooms/{room_id}/block': { bodies: [{ block: true }] },
  'GET /v1/rooms': {
    bodies: [
      { rooms: [currentRoom, olderSqliteRoom], offset: 0, total_rooms: 5, next_batch: 2 },
      { rooms: [olderSqliteRoom], offset: 4, total_rooms: 5, prev_batch: 2 },
      // A limit=0 page: Synapse's next_batch equals offset and is dropped.
      { rooms: [], offset: 0, total_rooms: 5, next_batch: 0 },
    ],
  },
  'GET /v1/rooms/{room_id}/state': { bodies: [{ state: [{ type: 'm.room.create', state_key: '', content: {} }] }] },
  'DELETE /v2/rooms/{room_id}': { bodies: [{ delete_id: DELETE_ID }] },
  'GET /v1/rooms/{room_id}/members': { bodies: [{ members: ['@alice:example.org'], total: 1 }] },
  'GET /v2/rooms/delete_status/{delete_id}': {
    known: { deleteId: DELETE_ID },
    bodies: [
      { delete_id: DELETE_ID, room_id: ROOM_ID, status: 'complete', shutdown_room: shutdownRoom },
      { delete_id: DELETE_ID, room_id: ROOM_ID, status: 'scheduled' },
      // Before the task scheduler (Synapse < 1.93): no IDs echoed, legacy status names.
      { status: 'purging', shutdown_room: shutdownRoom },
    ],
  },
  'GET /v2/rooms/{room_id}/delete_status': {
    known: { roomId: ROOM_ID },
    bodies: [{ results: [{ delete_id: DELETE_ID, status: 'shutting_down', shutdown_room: null }, { delete_id: 'other', room_id: ROOM_ID, status: 'failed', error: 'boom' }] }],
  },
  'POST /v1/rooms/{room_identifier}/make_room_admin': { bodies: [{}] },
  'GET /v1/rooms/{room_identifier}/forward_extremities': {
    bodies: [{ count: 2, results: [{ event_id: '$a', state_group: 5, depth: 10, received_ts: 1700000000000 }, { event_id: '$b' }] }],
  },
  'DELETE /v1/rooms/{room_identifier}/forward_extremities': { bodies: [{ deleted: 1 }] },
  'GET /v1/rooms/{room_id}/context/{event_id}': {
    bodies: [
      { events_before: [contextEvent], event: contextEvent, events_after: [], state: [], start: 't1-2_3', end: 't4-5_6' },
      { events_before: [], event: contextEvent, events_after: [], state: [], start: null },
      { events_before: [], event: contextEvent, events_after: [], state: [] },
    ],
  },
  'GET /v1/rooms/{room_id}/messages': {
    bodies: [{ chunk: [contextEvent], start: 's1_2', end: 's3_4', state: [] }, { chunk: [], start: 's1_2' }],
  },
  'GET /v1/rooms/{room_id}/timestamp_to_event': { bodies: [{ event_id: '$event', origin_server_ts: 1700000000000 }] },
  'GET /v1/federation/destinations': {
    bodies: [
      {
        destinations: [
          { destination: 'a.example', retry_last_ts: 1700000000000, retry_interval: 600000, failure_ts: 1700000000000, last_successful_stream_ordering: 7 },
          { destination: 'b.example', retry_last_ts: null, failure_ts: null },
          { destination: 'c.example' },
        ],
        total: 5,
        next_token: '3',
      },
      { destinations: [], total: 5, next_token: '0' },
    ],
  },
  'GET /v1/federation/destinations/{destination}': {
    bodies: [{ destination: 'a.example', retry_last_ts: 0, retry_interval: 0, failure_ts: null, last_successful_stream_ordering: null }, { destination: 'b.example' }],
  },
  'GET /v1/federation/destinations/{destination}/rooms': {
    bodies: [{ rooms: [{ room_id: ROOM_ID, stream_ordering: 42 }], total: 2, next_token: '1' }, { rooms: [], total: 2, next_token: '0' }],
  },
  'POST /v1/federation/destinations/{destination}/reset_connection': { bodies: [{}] },
};

/** A field no Synapse release sends yet: the facade must keep it. */
const FUTURE_FIELD = 'org.example.future_field';

const contracts = ownedRoutes.flatMap((route) => (route.response ? [[route.name, route.response] as const] : []));

describe('output schemas', () => {
  it('has samples for every route with a response contract, and for no other', () => {
    expect(Object.keys(samples).sort()).toEqual(contracts.map(([name]) => name).sort());
  });

  describe.each(contracts)('%s', (name, { upstream, out, normalise }) => {
    const { known, bodies } = samples[name]!;
    const request: ValidatedRequest = { path: '/', query: [], ...(known ? { known } : {}) };

    it.each(bodies.map((body) => [{ ...body, [FUTURE_FIELD]: { kept: true } }]))('sample %#: normalised into its output schema, unknown field kept', (body) => {
      // The pipeline normalises only bodies that fit the upstream schema: a sample that does not is a bad sample.
      expect(upstream.safeParse(body).success).toBe(true);
      const normalised = normalise(body as never, request);
      const checked = out.safeParse(normalised);
      expect(checked.error?.issues ?? []).toEqual([]);
      expect(normalised).toHaveProperty([FUTURE_FIELD], { kept: true });
    });

    // Where the contract differs from Synapse's shape, some sample must need normalising, or the test proves little.
    if (out !== upstream) {
      it('has a sample whose upstream body does not fit the output schema as sent', () => {
        expect(bodies.some((body) => !out.safeParse(body).success)).toBe(true);
      });
    }
  });
});

describe('output schemas reject what the facade never answers', () => {
  const contractOf = (name: string) => contracts.find(([routeName]) => routeName === name)![1];

  it('rooms: 0/1 booleans and an empty creator', () => {
    const { out } = contractOf('GET /v1/rooms');
    const page = { offset: 0, total_rooms: 1 };
    const room = { ...currentRoom };
    expect(out.safeParse({ ...page, rooms: [room] }).success).toBe(true);
    expect(out.safeParse({ ...page, rooms: [{ ...room, federatable: 1 }] }).success).toBe(false);
    expect(out.safeParse({ ...page, rooms: [{ ...room, creator: '' }] }).success).toBe(false);
  });

  it('block status without user_id', () => {
    expect(contractOf('GET /v1/rooms/{room_id}/block').out.safeParse({ block: false }).success).toBe(false);
  });
});
