// Reading a request body without ever buffering more than the configured limit.
import type { IncomingMessage } from 'node:http';
import { FacadeError, facadeErrors } from '../errors.ts';

/**
 * The error for a client that closed its connection before its body was complete. Named `AbortError`,
 * which answerThrown (synapse-listener.ts) answers with nothing and does not log: the request line says `aborted: true`.
 */
export const uploadAborted = () => new DOMException('The client closed the connection before the request body was complete', 'AbortError');

/**
 * Reads the whole body, or throws 413 M_TOO_LARGE as soon as it is known to exceed `limitBytes`
 * (from Content-Length before reading anything, or while reading a chunked body). A client that goes
 * away mid-upload is an AbortError (Node's own is `Error: aborted`, which would read as a facade fault).
 */
export async function readBoundedBody(incoming: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(incoming.headers['content-length'] ?? Number.NaN);
  if (declared > limitBytes) throw tooLarge(incoming, limitBytes);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of incoming as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > limitBytes) throw tooLarge(incoming, limitBytes);
      chunks.push(chunk);
    }
  } catch (error) {
    if (!(error instanceof FacadeError) && !incoming.complete) throw uploadAborted();
    throw error;
  }
  // An iterator over a stream destroyed mid-way may simply end: the body is still incomplete.
  if (!incoming.complete) throw uploadAborted();
  return Buffer.concat(chunks, length);
}

/** Stops reading (the rest is discarded, not buffered) and builds the 413. */
function tooLarge(incoming: IncomingMessage, limitBytes: number) {
  incoming.resume();
  return facadeErrors.tooLarge(limitBytes);
}
