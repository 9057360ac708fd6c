// A stream that passes every byte through unchanged and keeps a copy of at most the first N of them.
import { Transform } from 'node:stream';

/** A tap on a byte stream. */
export interface BoundedTap {
  /** Put it between the source and the destination. */
  readonly stream: Transform;
  /** The bytes kept so far (at most `limitBytes`). */
  kept(): Buffer;
  /** True when the stream carried more than `limitBytes`: `kept()` is then only a prefix. */
  overflowed(): boolean;
}

/**
 * Makes a tap keeping at most `limitBytes` (bytes) of what flows through it: what flows is never changed,
 * delayed or buffered beyond the stream's own high-water mark. Security: the copy may hold secrets (a
 * password, an access token); the caller reads what it needs from it and keeps nothing else.
 */
export function boundedTap(limitBytes: number): BoundedTap {
  const chunks: Buffer[] = [];
  let keptBytes = 0;
  let seenBytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seenBytes += chunk.length;
      if (keptBytes < limitBytes) {
        const part = chunk.subarray(0, limitBytes - keptBytes);
        chunks.push(part);
        keptBytes += part.length;
      }
      done(null, chunk);
    },
  });
  return {
    stream,
    kept: () => Buffer.concat(chunks, keptBytes),
    overflowed: () => seenBytes > limitBytes,
  };
}
