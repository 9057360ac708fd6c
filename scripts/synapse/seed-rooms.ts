// Seeds rooms the way Synapse makes them — through the client API — covering every room shape the admin API shows.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SeedClient } from './internal/client.ts';

/** Room roles recorded in seed.json; each maps to one room ID. */
export type RoomRole =
  | 'public' | 'private' | 'inviteOnly' | 'knock' | 'encrypted' | 'space' | 'aliased'
  | 'tombstoned' | 'replacement' | 'history' | 'abandoned' | 'adminOwned' | 'roomVersion11';

export interface HistoryEvent {
  eventId: string;
  originServerTs: number;
  sender: string;
  body: string;
}

export interface RoomsSeed {
  rooms: Record<RoomRole, string>;
  /** Full alias (`#seed-public:localhost`) → room ID. */
  aliases: Record<string, string>;
  /** Per role, the user IDs by their final membership (creator included under `join`). */
  membership: Partial<Record<RoomRole, Partial<Record<'join' | 'invite' | 'leave' | 'knock', string[]>>>>;
  tombstone: { roomId: string; replacementRoomId: string; eventId: string };
  /** Messages of the `history` room in send order, each with Synapse's origin_server_ts. */
  history: HistoryEvent[];
}

export interface SeedActors {
  serverName: string;
  /** The ordinary user: creates most rooms, so the admin is not a member of them (as on a real server). */
  owner: { userId: string; client: SeedClient };
  admin: { userId: string; client: SeedClient };
  /** Extra local users by username: alice, bob, carol, dave. */
  extras: Record<'alice' | 'bob' | 'carol' | 'dave', { userId: string; client: SeedClient }>;
}

export const HISTORY_MESSAGE_COUNT = 40;

/** Creates rooms, aliases, memberships, a tombstone and a message history; returns what was created. */
export async function seedRooms({ serverName, owner, admin, extras }: SeedActors): Promise<RoomsSeed> {
  const { alice, bob, carol, dave } = extras;
  const alias = (localpart: string) => `#${localpart}:${serverName}`;
  const create = owner.client.createRoom;

  const publicRoom = await create({
    preset: 'public_chat', visibility: 'public', room_alias_name: 'seed-public',
    name: 'Seed Public Lobby', topic: 'Published in the room directory',
  });
  await alice.client.join(publicRoom);
  await bob.client.join(alias('seed-public'));
  await bob.client.leave(publicRoom);
  await owner.client.invite(publicRoom, carol.userId);

  const privateRoom = await create({ preset: 'private_chat', name: 'Seed Private', invite: [alice.userId] });
  await alice.client.join(privateRoom);

  const inviteOnly = await create({
    preset: 'private_chat', name: 'Seed Invite Only', invite: [carol.userId, dave.userId],
    initial_state: [{ type: 'm.room.history_visibility', state_key: '', content: { history_visibility: 'invited' } }],
  });

  const knock = await create({
    preset: 'private_chat', name: 'Seed Knock',
    initial_state: [{ type: 'm.room.join_rules', state_key: '', content: { join_rule: 'knock' } }],
  });
  await alice.client.knock(knock, 'Please let me in');

  const encrypted = await create({
    preset: 'private_chat', name: 'Seed Encrypted', invite: [alice.userId],
    initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
  });
  await alice.client.join(encrypted);

  const aliased = await create({
    preset: 'public_chat', room_alias_name: 'seed-topic',
    name: 'Café ☕ Ünïcode Room', topic: 'A room with aliases and a topic — non-ASCII on purpose',
  });
  await owner.client.putAlias(alias('seed-topic-alt'), aliased);
  await owner.client.sendState(aliased, 'm.room.canonical_alias', {
    alias: alias('seed-topic'), alt_aliases: [alias('seed-topic-alt')],
  });
  await dave.client.join(aliased);

  const space = await create({
    preset: 'public_chat', name: 'Seed Space', topic: 'A space holding the public rooms',
    creation_content: { type: 'm.space' }, room_alias_name: 'seed-space',
  });
  for (const child of [publicRoom, aliased]) {
    await owner.client.sendState(space, 'm.space.child', { via: [serverName], suggested: true }, child);
  }

  const tombstoned = await create({ preset: 'public_chat', name: 'Seed Old Room', room_alias_name: 'seed-old' });
  await alice.client.join(tombstoned);
  const replacement = await create({
    preset: 'public_chat', name: 'Seed New Room', creation_content: { predecessor: { room_id: tombstoned } },
  });
  const tombstoneEventId = await owner.client.sendState(tombstoned, 'm.room.tombstone', {
    body: 'This room has been replaced', replacement_room: replacement,
  });

  const historyRoom = await create({ preset: 'public_chat', name: 'Seed History', topic: 'Dozens of messages over time' });
  await alice.client.join(historyRoom);
  const history = await sendHistory(historyRoom, [owner, alice]);

  const abandoned = await create({ preset: 'public_chat', name: 'Seed Abandoned' });
  await bob.client.join(abandoned);
  await bob.client.leave(abandoned);
  await owner.client.leave(abandoned);

  const adminOwned = await admin.client.createRoom({ preset: 'private_chat', name: 'Seed Admin Room', invite: [owner.userId] });
  await owner.client.join(adminOwned);

  // Synapse 1.163 creates v12 rooms (domainless `!<43 chars>` IDs); v11 keeps the `!opaque:server` shape alive.
  const roomVersion11 = await create({ preset: 'public_chat', name: 'Seed Room v11', room_version: '11' });

  return {
    rooms: {
      public: publicRoom, private: privateRoom, inviteOnly, knock, encrypted, space, aliased,
      tombstoned, replacement, history: historyRoom, abandoned, adminOwned, roomVersion11,
    },
    aliases: {
      [alias('seed-public')]: publicRoom, [alias('seed-topic')]: aliased, [alias('seed-topic-alt')]: aliased,
      [alias('seed-space')]: space, [alias('seed-old')]: tombstoned,
    },
    membership: {
      public: { join: [owner.userId, alice.userId], leave: [bob.userId], invite: [carol.userId] },
      private: { join: [owner.userId, alice.userId] },
      inviteOnly: { join: [owner.userId], invite: [carol.userId, dave.userId] },
      knock: { join: [owner.userId], knock: [alice.userId] },
      encrypted: { join: [owner.userId, alice.userId] },
      aliased: { join: [owner.userId, dave.userId] },
      tombstoned: { join: [owner.userId, alice.userId] },
      history: { join: [owner.userId, alice.userId] },
      abandoned: { leave: [owner.userId, bob.userId] },
      adminOwned: { join: [admin.userId, owner.userId] },
      roomVersion11: { join: [owner.userId] },
    },
    tombstone: { roomId: tombstoned, replacementRoomId: replacement, eventId: tombstoneEventId },
    history,
  };
}

/** Alternating senders, ≥ 15 ms apart so every origin_server_ts is distinct and increasing. */
async function sendHistory(roomId: string, senders: { userId: string; client: SeedClient }[]): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for (let index = 0; index < HISTORY_MESSAGE_COUNT; index += 1) {
    const sender = senders[index % senders.length];
    if (sender === undefined) throw new Error('sendHistory needs at least one sender');
    const body = `History message ${String(index + 1).padStart(2, '0')} of ${HISTORY_MESSAGE_COUNT}`;
    const eventId = await sender.client.sendMessage(roomId, body);
    const { origin_server_ts } = await sender.client.getEvent(roomId, eventId);
    events.push({ eventId, originServerTs: origin_server_ts, sender: sender.userId, body });
    await sleep(15);
  }
  return events;
}
