// Room details (full and older-Synapse shapes, SQLite 0/1 booleans), members and state.
import { describe, it, expect } from 'vitest';
import { call, enc, useMockSynapse } from './support.ts';
import * as F from '../../src/mock/fixtures.ts';

const mock = useMockSynapse();
const details = (roomId: string) => call(mock(), 'GET', `/_synapse/admin/v1/rooms/${enc(roomId)}`);

describe('room details', () => {
  it('treats percent-encoded and raw room IDs the same', async () => {
    const raw = await call(mock(), 'GET', `/_synapse/admin/v1/rooms/${F.BIG_ROOM_ID}`);
    expect(raw.body).toEqual((await details(F.BIG_ROOM_ID)).body);
    expect(raw.body).toMatchObject({ joined_members: 250, joined_local_members: 40, public: true, tombstoned: false });
  });

  it('reports tombstones and their replacement room', async () => {
    expect((await details(F.TOMBSTONED_ROOM_ID)).body).toMatchObject({ tombstoned: true, replacement_room: F.REPLACEMENT_ROOM_ID });
  });

  it('omits newer fields and uses 0/1 integers for an older SQLite Synapse', async () => {
    const { body } = await details(F.LEGACY_ROOM_ID);
    expect(body).not.toHaveProperty('room_type');
    expect(body).not.toHaveProperty('forgotten');
    expect(body).not.toHaveProperty('joined_local_devices');
    expect(body.federatable).toBe(1);
    expect(body.public).toBe(0);
  });

  it('keeps the empty creator bug, the space type and v12 IDs', async () => {
    expect((await details(F.EMPTY_CREATOR_ROOM_ID)).body.creator).toBe('');
    expect((await details(F.SPACE_ROOM_ID)).body.room_type).toBe('m.space');
    expect((await details(F.V12_ROOM_ID)).body).toMatchObject({ version: '12', join_rules: 'knock_restricted' });
    expect((await details(F.LOCAL_ONLY_ROOM_ID)).body).toMatchObject({ federatable: false, encryption: 'm.megolm.v1.aes-sha2' });
  });

  it('answers 404 Room not found without checking the ID format', async () => {
    expect((await details('garbage')).body).toEqual({ errcode: 'M_NOT_FOUND', error: 'Room not found' });
  });
});

describe('members and state', () => {
  it('lists joined members with total', async () => {
    const res = await call(mock(), 'GET', `/_synapse/admin/v1/rooms/${enc(F.BIG_ROOM_ID)}/members`);
    expect(res.body.total).toBe(250);
    expect(res.body.members).toContain('@admin:mock.example');
    expect((await call(mock(), 'GET', `/_synapse/admin/v1/rooms/${enc(F.EMPTY_ROOM_ID)}/members`)).body).toEqual({ members: [], total: 0 });
  });

  it('filters state by type; an empty type means no filter', async () => {
    const path = `/_synapse/admin/v1/rooms/${enc(F.BIG_ROOM_ID)}/state`;
    const names = (await call(mock(), 'GET', `${path}?type=m.room.name`)).body.state as Array<Record<string, unknown>>;
    expect(names).toHaveLength(1);
    expect(names[0]).toMatchObject({ type: 'm.room.name', state_key: '', content: { name: 'Lobby' }, unsigned: { age: expect.any(Number) } });
    expect(((await call(mock(), 'GET', `${path}?type=`)).body.state as unknown[]).length).toBe(259);
  });
});
