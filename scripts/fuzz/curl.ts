// Turns a request schemathesis recorded into a shell command that reproduces it, with the token left out.

/** A request as schemathesis 4.32 records it in its NDJSON events (headers already sanitised). */
export interface RecordedRequest {
  method: string;
  uri: string;
  headers?: Record<string, string[]>;
  body?: { $base64?: string } | null;
}

const isControl = (char: string) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f;

/** Control characters as `\xHH`, so a printed line stays one readable line. */
export function escapeControls(text: string): string {
  return [...text].map((char) => (isControl(char) ? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}` : char)).join('');
}

/** Single-quoted for a POSIX shell: every byte literal, a quote closed, escaped and reopened. */
function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * A body with control bytes (NUL cannot be a shell argument) is piped in through printf's `%b`, whose POSIX escapes
 * are `\\` and `\0ooo` (octal).
 */
function bodyArguments(body: Buffer): { pipe: string; args: string[] } {
  const text = body.toString('utf8');
  if (![...text].some(isControl)) return { pipe: '', args: ['--data-binary', shellQuote(text)] };
  const escaped = [...text.replaceAll('\\', '\\\\')]
    .map((char) => (isControl(char) ? `\\0${char.charCodeAt(0).toString(8).padStart(3, '0')}` : char))
    .join('');
  return { pipe: `printf '%b' ${shellQuote(escaped)} | `, args: ['--data-binary', '@-'] };
}

/**
 * `curl … -X METHOD -H … --data-binary … 'URL'`. Authorization is written as `Bearer $ADMIN_TOKEN` (export the
 * token to rerun it): schemathesis records it as `[Filtered]` and the token itself is never written anywhere.
 */
export function curlFor(request: RecordedRequest): string {
  // --path-as-is and --globoff: send dot segments and brackets exactly as recorded, not normalised or expanded.
  const parts = ['curl', '-sS', '--path-as-is', '--globoff', '-X', request.method];
  for (const [name, values] of Object.entries(request.headers ?? {})) {
    for (const value of values) {
      parts.push('-H', name.toLowerCase() === 'authorization' ? `"${name}: Bearer $ADMIN_TOKEN"` : shellQuote(escapeControls(`${name}: ${value}`)));
    }
  }
  const base64 = request.body?.$base64;
  const { pipe, args } = base64 === undefined ? { pipe: '', args: [] } : bodyArguments(Buffer.from(base64, 'base64'));
  parts.push(...args, shellQuote(request.uri));
  return `${pipe}${parts.join(' ')}`;
}
