// Structural check of Synapse's stream tokens (`from`/`to` of room messages).
// Synapse: synapse/types/__init__.py StreamToken.from_string, RoomStreamToken.parse, MultiWriterStreamToken.parse
import { parsePythonInt } from './query-params.ts';

const isInt = (text: string) => parsePythonInt(text) !== undefined;

/** `m<stream>~<instance>.<pos>~…` (an empty part after `~` is tolerated, as Synapse does). */
function isMultiWriter(text: string): boolean {
  const [stream, ...parts] = text.slice(1).split('~');
  if (!isInt(stream ?? '')) return false;
  return parts.every((part) => {
    if (part === '') return true;
    const pieces = part.split('.');
    return pieces.length === 2 && isInt(pieces[0]!) && isInt(pieces[1]!);
  });
}

/** Room key: `s<stream>`, `t<topological>-<stream>` or a multi-writer `m…` position. */
function isRoomKey(key: string): boolean {
  if (key.startsWith('s')) return isInt(key.slice(1));
  if (key.startsWith('t')) {
    const dash = key.indexOf('-');
    return dash !== -1 && isInt(key.slice(1, dash)) && isInt(key.slice(dash + 1));
  }
  return key.startsWith('m') && isMultiWriter(key);
}

/**
 * True when `token` could be a Synapse stream token: a valid room key, then `_`-separated positions that
 * are integers or multi-writer positions. The number of positions is left to Synapse: it grows with
 * releases (13 in 1.157, 14 in 1.160) and shorter tokens are padded, so only Synapse knows its maximum.
 */
export function isPlausibleStreamToken(token: string): boolean {
  const [roomKey, ...others] = token.split('_');
  if (!isRoomKey(roomKey ?? '')) return false;
  return others.every((position) => isInt(position) || (position.startsWith('m') && isMultiWriter(position)));
}

/**
 * The positions after the room key, in the order Synapse 1.163.2's StreamToken.from_string reads them: `int()`
 * for plain ones, MultiWriterStreamToken.parse (digits first, or `m…`) for multi-writer ones; a 14th position
 * is refused (too many values to unpack).
 */
const POSITIONS_1_163 = ['int', 'int', 'multi', 'int', 'int', 'int', 'multi', 'int', 'int', 'int', 'multi', 'multi', 'int'] as const;

/** 1 to 18 ASCII digits: below 10^18, so inside the 64 bits SQLite binds (src/pipeline/synapse-crashes.ts). */
const DIGITS = '[0-9]{1,18}';
/** A multi-writer position without writer entries (`m5`, or the `m5~` Synapse tolerates): entries name instance ids only Synapse knows. */
const MULTI_WRITER = `m${DIGITS}~*`;
const ROOM_KEY = `s${DIGITS}|t${DIGITS}-${DIGITS}|${MULTI_WRITER}`;
const positions = POSITIONS_1_163.reduceRight(
  (rest, kind) => `(?:_(?:${kind === 'int' ? DIGITS : `${DIGITS}|${MULTI_WRITER}`})${rest})?`,
  '',
);

/**
 * The documented pattern of messages' `from`/`to`: empty (no token), `END` (`from` only: no token either), or a
 * token every value of which both the facade and Synapse 1.163.2 accept. It cannot be exact: Synapse's
 * acceptance is positional and depends on its state (a writer entry `m5~1.6` needs instance id 1 to exist), and
 * it also reads forms left out here (signs, `_` and spaces inside numbers, longer numbers that still fit).
 * Python's `$` would let a final "\n" through, hence `(?![\s\S])` (see schemas/identifiers.ts).
 */
export function streamTokenPattern(name: 'from' | 'to'): string {
  return `^(?:${name === 'from' ? 'END|' : ''}(?:${ROOM_KEY})${positions})?(?![\\s\\S])`;
}

/** What the pattern of {@link streamTokenPattern} leaves out, for the parameter's description. */
export const STREAM_TOKEN_NOTE =
  'A stream token from an earlier answer (`start`, `end`), or empty for none. The pattern is what the facade and Synapse ' +
  '1.163.2 always accept: a room key (`s<n>`, `t<n>-<n>` or `m<n>`) and up to 13 `_`-separated positions of at most 18 ' +
  'digits, multi-writer ones also as `m<n>`. It is not exact: Synapse reads some forms it leaves out (`m5~1.6` when instance ' +
  'id 1 exists, signs, longer numbers), and which of those it accepts depends on the position and on its state.';
