// Room ID, alias and server-name validity exactly as Synapse's RoomID.is_valid decides it.
import { describe, expect, it } from 'vitest';
import { isValidRoomAlias, isValidRoomId, isValidServerName } from '../../schemas/identifiers.ts';

describe('isValidRoomId', () => {
  it.each([
    '!abc:example.org',
    '!:example.org',
    '!abc:example.org:8448',
    '!abc:example.org:-5',
    '!abc:example.org:8_0',
    '!abc:[::1]',
    '!abc:[::1]:8448',
    '!abc:127.0.0.1:9',
    `!${'A'.repeat(43)}`,
    `!${'a-_'.repeat(14)}b`,
  ])('accepts %j', (roomId) => expect(isValidRoomId(roomId)).toBe(true));

  it.each([
    '',
    'abc:example.org',
    '#alias:example.org',
    'invalidroom',
    '!abc',
    `!${'A'.repeat(42)}`,
    `!${'A'.repeat(44)}`,
    '!abc:exa_mple.org',
    '!abc:example.org:',
    '!abc:example..org',
    '!abc:[::1',
    '!abc:[nope]',
    '!abc:a:b:c',
  ])('rejects %j', (roomId) => expect(isValidRoomId(roomId)).toBe(false));
});

describe('isValidRoomAlias', () => {
  it('needs # and a valid server name', () => {
    expect(isValidRoomAlias('#room:example.org')).toBe(true);
    expect(isValidRoomAlias('#room')).toBe(false);
    expect(isValidRoomAlias('!room:example.org')).toBe(false);
  });
});

describe('isValidServerName', () => {
  it('splits the last :port off and checks the host', () => {
    expect(isValidServerName('matrix.org')).toBe(true);
    expect(isValidServerName('matrix.org:x')).toBe(false);
    expect(isValidServerName('[2001:db8::1]')).toBe(true);
  });
});
