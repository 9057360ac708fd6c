// JSON serialisation to bytes the way Synapse writes its answers: non-ASCII escaped as \uXXXX.

/** A run of characters Synapse escapes: DEL and everything beyond ASCII, one UTF-16 code unit at a time. */
const NON_ASCII_RUN = /[\u007f-\uffff]+/g;
/** DEL, the one character Synapse escapes that is a single byte in UTF-8 (so `Buffer.byteLength` cannot see it). */
const DEL = '\u007f';
/** Characters of the text looked at together: a window is searched only when it holds a character to escape. */
const WINDOW = 512;
const BACKSLASH = 0x5c;
const LETTER_U = 0x75;
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/**
 * `JSON.stringify` with every non-ASCII character escaped, as Synapse's success bodies are
 * (synapse/http/server.py: `json.JSONEncoder(ensure_ascii=True)` by default): `é` is `\u00e9`, `🎉` its two
 * surrogates `\ud83c\udf89`. Besides matching Synapse byte for byte more often, an all-ASCII string encodes to
 * bytes several times faster than UTF-8. Numbers `parseJsonExact` kept as raw JSON are written verbatim (they are
 * ASCII, so the escaping never touches them).
 */
export function jsonBytes(value: unknown): Buffer {
  const text = JSON.stringify(value);
  // A text whose UTF-8 length is its length has nothing beyond ASCII (a lone surrogate takes three bytes): with no
  // DEL either, a byte per character. Node counts UTF-8 with SIMD, about 1 us for a 100-room page; the regex
  // search it replaced ran a character at a time, 20 us on a page that had nothing to escape.
  const del = text.includes(DEL);
  const extraBytes = Buffer.byteLength(text, 'utf8') - text.length;
  return extraBytes === 0 && !del ? Buffer.from(text, 'latin1') : escapedBytes(text, runsToEscape(text, del, extraBytes));
}

/**
 * Where the runs to escape are, as [start, end) pairs of code-unit offsets. When they are few (a page with a few
 * names in other scripts), only the windows `Buffer.byteLength` shows to hold one are searched; when they are many,
 * the whole text, as a search window by window would then cost more than it saves. A run across a window edge is
 * found as two runs, which escape the same.
 */
function runsToEscape(text: string, del: boolean, extraBytes: number): number[] {
  const runs: number[] = [];
  // Each character beyond ASCII adds one to three bytes, so extraBytes / 2 estimates how many there are: more than
  // half as many as there are windows, and most windows would be searched anyway.
  if (extraBytes > text.length / WINDOW) {
    NON_ASCII_RUN.lastIndex = 0;
    for (let run = NON_ASCII_RUN.exec(text); run !== null; run = NON_ASCII_RUN.exec(text)) runs.push(run.index, run.index + run[0].length);
    return runs;
  }
  for (let start = 0; start < text.length; start += WINDOW) {
    const window = text.slice(start, start + WINDOW);
    if (Buffer.byteLength(window, 'utf8') === window.length && !(del && window.includes(DEL))) continue;
    NON_ASCII_RUN.lastIndex = 0;
    for (let run = NON_ASCII_RUN.exec(window); run !== null; run = NON_ASCII_RUN.exec(window)) {
      runs.push(start + run.index, start + run.index + run[0].length);
    }
  }
  return runs;
}

/**
 * The bytes of `text` with its non-ASCII characters escaped, written straight into the answer's buffer. Replacing
 * them in the text first made a second copy of it: on the mock's 100-room page, whose few names in other scripts
 * make its text two bytes a character, that allocated 172 KiB a page against 86 here, a third of what a real miss
 * allocates, and so of its scavenges.
 */
function escapedBytes(text: string, runs: readonly number[]): Buffer {
  // Each escaped character takes six bytes instead of one: the runs were found first, to size the buffer.
  let escaped = 0;
  for (let i = 0; i < runs.length; i += 2) escaped += runs[i + 1]! - runs[i]!;
  const bytes = Buffer.allocUnsafe(text.length + 5 * escaped);
  let at = 0;
  let ascii = 0;
  for (let i = 0; i < runs.length; i += 2) {
    const start = runs[i]!;
    const end = runs[i + 1]!;
    at += bytes.write(text.slice(ascii, start), at, 'latin1');
    for (let char = start; char < end; char += 1) {
      const code = text.charCodeAt(char);
      bytes[at] = BACKSLASH;
      bytes[at + 1] = LETTER_U;
      bytes[at + 2] = HEX_DIGITS[code >>> 12]!;
      bytes[at + 3] = HEX_DIGITS[(code >>> 8) & 0xf]!;
      bytes[at + 4] = HEX_DIGITS[(code >>> 4) & 0xf]!;
      bytes[at + 5] = HEX_DIGITS[code & 0xf]!;
      at += 6;
    }
    ascii = end;
  }
  at += bytes.write(text.slice(ascii), at, 'latin1');
  // Every byte of the uninitialised buffer must be written: anything less would send old memory to a client.
  if (at !== bytes.length) throw new Error(`jsonBytes wrote ${at} of ${bytes.length} bytes`);
  return bytes;
}
