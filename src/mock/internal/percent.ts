// Percent-decoding as Python's urllib.parse.unquote / unquote_to_bytes do it (invalid escapes kept literally).

const utf8 = new TextEncoder();
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false });

/** Python `unquote_to_bytes`: `%XX` → byte, anything else copied as its UTF-8 bytes. */
export function unquoteToBytes(text: string): Uint8Array {
  const source = utf8.encode(text);
  const out = new Uint8Array(source.length);
  let length = 0;
  for (let i = 0; i < source.length; i++) {
    const byte = source[i] ?? 0;
    if (byte === 0x25 && i + 2 < source.length && isHex(source[i + 1]) && isHex(source[i + 2])) {
      out[length++] = parseInt(String.fromCharCode(source[i + 1] ?? 0, source[i + 2] ?? 0), 16);
      i += 2;
    } else {
      out[length++] = byte;
    }
  }
  return out.slice(0, length);
}

/** Python `unquote` (UTF-8, errors="replace"); `+` is left alone. Synapse: synapse/http/server.py path params */
export function unquote(text: string): string {
  return lenientUtf8.decode(unquoteToBytes(text));
}

function isHex(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66));
}
