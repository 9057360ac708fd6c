// Sends bytes exactly as given over a fresh connection and parses the one answer, for requests no HTTP client
// would send (a bad Host, a broken request line, a body cut short).
import { connect } from 'node:net';

/** One raw answer: status, lower-cased headers, body text. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses the first answer of a raw HTTP/1.1 exchange (Content-Length bodies only, as the facade sends). */
export function parseRawAnswer(text: string): RawAnswer {
  const headEnd = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, headEnd === -1 ? text.length : headEnd).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = headEnd === -1 ? '' : text.slice(headEnd + 4);
  const length = Number(headers['content-length'] ?? rest.length);
  return { status: Number(statusLine.split(' ')[1]), headers, body: rest.slice(0, length) };
}

/**
 * Writes `bytes` to the server at `baseUrl`, then reads until the server closes the connection or
 * `settleMs` passes without more data; resolves with the first answer.
 */
export function rawExchange(baseUrl: string, bytes: string, { settleMs = 500 }: { settleMs?: number } = {}): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let timer = setTimeout(() => socket.destroy(), settleMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      clearTimeout(timer);
      timer = setTimeout(() => socket.destroy(), settleMs);
    });
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseRawAnswer(Buffer.concat(chunks).toString('utf8')));
    });
  });
}
