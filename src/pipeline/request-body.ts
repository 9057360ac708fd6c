// Reading a request body without ever buffering more than the configured limit.
import type { IncomingMessage } from 'node:http';
import { facadeErrors } from '../errors.ts';

/**
 * Reads the whole body, or throws 413 M_TOO_LARGE as soon as it is known to exceed `limitBytes`
 * (from Content-Length before reading anything, or while reading a chunked body).
 */
export async function readBoundedBody(incoming: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(incoming.headers['content-length'] ?? Number.NaN);
  if (declared > limitBytes) throw tooLarge(incoming, limitBytes);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limitBytes) throw tooLarge(incoming, limitBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}

/** Stops reading (the rest is discarded, not buffered) and builds the 413. */
function tooLarge(incoming: IncomingMessage, limitBytes: number) {
  incoming.resume();
  return facadeErrors.tooLarge(limitBytes);
}
