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
