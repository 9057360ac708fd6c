// Sends a hand-written HTTP/1.1 request over a socket, for what clients refuse to send (`..`, hop headers).
import { connect } from 'node:net';

/** Sends `head` (request line and headers, without the blank line) and returns status and raw text. */
export function rawHttp(baseUrl: string, head: string, body = ''): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`${head}\r\nHost: ${hostname}:${port}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ status: Number(text.split(' ')[1]), text });
    });
  });
}
