// Matrix identifier checks as Synapse makes them on admin path parameters, written once as regular expressions
// that both validate here and document the parameters in the OpenAPI document.
//
// The pattern texts use only the syntax ECMA-262 (JSON Schema's `pattern`) and Python's `re` share, since
// schema fuzzers generate values from them in Python. They end with `(?![\s\S])`, not `$`: Python's `$` also
// matches before a final "\n", and a generator would then produce IDs Synapse refuses.

// Synapse: synapse/util/stringutils.py VALID_HOST_REGEX ("\Z", so no trailing newline).
const HOST = '[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*';

// RFC 3986 IPv6address, which is what inet_pton accepts (Synapse: netaddr.valid_ipv6). No zone ID ("%eth0"):
// netaddr refuses one, although Node's net.isIPv6 accepts it.
const DEC_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const H16 = '[0-9A-Fa-f]{1,4}';
const LS32 = `(?:${H16}:${H16}|(?:${DEC_OCTET}\\.){3}${DEC_OCTET})`;
const IPV6 = `(?:${[
  `(?:${H16}:){6}${LS32}`,
  `::(?:${H16}:){5}${LS32}`,
  `(?:${H16})?::(?:${H16}:){4}${LS32}`,
  `(?:(?:${H16}:){0,1}${H16})?::(?:${H16}:){3}${LS32}`,
  `(?:(?:${H16}:){0,2}${H16})?::(?:${H16}:){2}${LS32}`,
  `(?:(?:${H16}:){0,3}${H16})?::${H16}:${LS32}`,
  `(?:(?:${H16}:){0,4}${H16})?::${LS32}`,
  `(?:(?:${H16}:){0,5}${H16})?::${H16}`,
  `(?:(?:${H16}:){0,6}${H16})?::`,
].join('|')})`;

// What Python's int() skips around a number given as str: ASCII whitespace and the non-ASCII characters of
// str.isspace() (not \x1c-\x1f, which int() refuses although isspace() says yes).
const INT_SPACE = '[\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';

/**
 * The port of a server name: only a Python `int()` (no range check: `-5` and `8_0` pass, as in Synapse), so at
 * most 4300 digits (Python ≥ 3.11 refuses longer decimal strings; Synapse keeps that default). Python's int()
 * of a str also takes any Unicode decimal digit (`٣`), which only a Unicode regex can say.
 */
const port = (digit: string, space = INT_SPACE) => `${space}*[+-]?${digit}(?:_?${digit}){0,4299}${space}*`;
/** ASCII whitespace only: a remote alias's server name must be ASCII (see src/pipeline/synapse-crashes.ts). */
const ASCII_SPACE = '[\\t\\n\\v\\f\\r ]';

/**
 * `parse_and_validate_server_name`: a host or `[IPv6]`, and an optional `:port`. (Synapse keeps a name ending
 * in `]` whole as an IPv6 literal, and otherwise splits off what follows the last `:`, which this says too.)
 */
const serverName = (digit: string, space = INT_SPACE) => `(?:${HOST}|\\[${IPV6}\\])(?::${port(digit, space)})?`;

/** `RoomID.is_valid`: `!localpart:server` (the localpart anything but `:`), or MSC4291's 43 urlsafe base64 characters. */
// Synapse: synapse/types/__init__.py ROOM_ID_PATTERN_DOMAINLESS ends in `$`, so a final "\n" passes there.
const roomId = (digit: string) => `!(?:[A-Za-z0-9_-]{43}\\n?|[^:]*:${serverName(digit)})`;

/** `RoomAlias.is_valid`: `#localpart:server`. */
const roomAlias = (digit: string, space = INT_SPACE) => `#[^:]*:${serverName(digit, space)}`;

/** The whole value, and nothing after it (not even the "\n" Python's `$` lets through). */
const whole = (pattern: string) => `^(?:${pattern})(?![\\s\\S])`;

// ASCII digits for documents: a Python generator reads `\d` as any Unicode digit, ECMA-262 as 0-9 only.
const ASCII_DIGIT = '[0-9]';
// Validation takes every Unicode decimal digit as Python's int() does (Node's Unicode may be a little newer).
const validator = (build: (digit: string) => string) => new RegExp(whole(build('\\p{Nd}')), 'u');

const SERVER_NAME = validator(serverName);
const ROOM_ID = validator(roomId);
const ROOM_ALIAS = validator(roomAlias);

/**
 * JSON Schema patterns of the path parameters the facade checks, for the OpenAPI document. Each matches
 * exactly the values the facade accepts, except a server name's port written with non-ASCII digits (`٣`),
 * which Synapse and the facade accept and the pattern leaves out.
 */
export const PATH_PATTERNS = {
  roomId: whole(roomId(ASCII_DIGIT)),
  // An alias whose server name is not ASCII is legal to Synapse, which then fails (500) resolving it: the
  // facade refuses it (src/pipeline/synapse-crashes.ts), so the document leaves it out.
  roomIdOrAlias: whole(`${roomId(ASCII_DIGIT)}|${roomAlias(ASCII_DIGIT, ASCII_SPACE)}`),
} as const;

/** `parse_and_validate_server_name`. */
export const isValidServerName = (name: string): boolean => SERVER_NAME.test(name);

/** `RoomID.is_valid`. Synapse: synapse/types/__init__.py RoomID.is_valid */
export const isValidRoomId = (candidate: string): boolean => ROOM_ID.test(candidate);

/** `RoomAlias.is_valid`: `#localpart:server` with a valid server name. */
export const isValidRoomAlias = (alias: string): boolean => ROOM_ALIAS.test(alias);

/** Synapse's `is_mine_id`: the text after the first `:` is this server's name (nothing else is checked). */
export const isMineId = (id: string, serverName: string): boolean => id.includes(':') && id.slice(id.indexOf(':') + 1) === serverName;
