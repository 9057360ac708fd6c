// Seeded generator of the bulk of the mock rooms: varied names, versions, rules, sizes and wire shapes.
import type { RoomSpec } from './room-builder.ts';
import type { Prng } from '../internal/prng.ts';
import { ASCII_LETTERS, URLSAFE_BASE64 } from '../internal/prng.ts';
import { ADMIN_USER_ID, DATA_EPOCH_MS, SERVER_NAME } from '../constants.ts';

const NAMES = [
  'General', 'random', 'Off-topic', 'Support', 'dev', 'Design', 'Ops', 'Café', 'Ünïcode', 'Zürich Meetup',
  '日本語チャット', 'Пример', 'ελληνικά', 'Emoji 🎉', 'Book club', 'announcements', 'Music', 'gaming', 'Élan', 'Ärger',
];
const JOIN_RULES = ['public', 'invite', 'knock', 'restricted', 'knock_restricted', null] as const;
const GUEST_ACCESS = ['can_join', 'forbidden', null] as const;
const HISTORY = ['shared', 'invited', 'joined', 'world_readable', null] as const;
const REMOTE_SERVERS = ['matrix.org', 'healthy.example.org', 'dead.example:8448', 'remote.example', 'chat.example.net'];

/** Generates `count` rooms; the same prng state always yields the same rooms. */
export function generatedRoomSpecs(prng: Prng, count: number): RoomSpec[] {
  const specs: RoomSpec[] = [];
  for (let i = 0; i < count; i++) specs.push(generatedRoom(prng, i));
  return specs;
}

/** One generated room; `index` keeps its name, alias and member IDs apart from every other room's. */
export function generatedRoom(prng: Prng, index: number): RoomSpec {
  const version = String(prng.int(1, 12));
  const roomId = version === '12'
    ? `!${prng.chars(43, URLSAFE_BASE64)}`
    : `!${prng.chars(18, ASCII_LETTERS)}:${SERVER_NAME}`;
  const empty = prng.chance(0.12);
  const localCount = empty ? 0 : prng.int(0, 6);
  const remoteCount = empty ? 0 : prng.int(0, 25);
  const localMembers = Array.from({ length: localCount }, (_, j) => `@user${(index * 7 + j) % 60}:${SERVER_NAME}`);
  const remoteMembers = Array.from({ length: remoteCount }, (_, j) => `@r${index}_${j}:${prng.pick(REMOTE_SERVERS)}`);
  const creatorUserId = localMembers[0] ?? (remoteMembers[0] ?? ADMIN_USER_ID);
  const name = prng.chance(0.15) ? null : `${prng.pick(NAMES)} ${index}`;
  const alias = name !== null && prng.chance(0.6) ? `#${slug(name)}-${index}:${prng.chance(0.85) ? SERVER_NAME : 'matrix.org'}` : null;
  const joinRule = prng.pick(JOIN_RULES);
  return {
    roomId, version, creatorUserId,
    creatorColumn: prng.chance(0.03) ? '' : (prng.chance(0.03) ? null : creatorUserId),
    name, canonicalAlias: alias,
    topic: prng.chance(0.5) ? `Topic of room ${index}` : null,
    avatar: prng.chance(0.3) ? `mxc://${SERVER_NAME}/${prng.chars(24, ASCII_LETTERS)}` : null,
    joinRule, guestAccess: prng.pick(GUEST_ACCESS), historyVisibility: prng.pick(HISTORY),
    encryption: prng.chance(0.5) ? 'm.megolm.v1.aes-sha2' : null,
    roomType: prng.chance(0.05) ? 'm.space' : null,
    federatable: prng.chance(0.85),
    isPublic: joinRule === 'public' && prng.chance(0.7),
    localMembers, remoteMembers,
    formerMembers: empty ? [`@gone${index}:${SERVER_NAME}`] : [],
    messageCount: prng.int(0, 40),
    extremityCount: prng.chance(0.1) ? 0 : prng.int(1, 4),
    startTs: DATA_EPOCH_MS - prng.int(2, 900) * 86_400_000,
    stepMs: prng.int(1, 600) * 1000,
    legacyShape: prng.chance(0.15),
    sqliteBooleans: prng.chance(0.5),
    forgotten: localCount === 0 && prng.chance(0.5),
    devicesPerLocalUser: prng.int(1, 3),
  };
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'room';
}
