// Path segments: decoded once the way Synapse decodes them, and encoded exactly once toward Synapse.
import { percentDecodeToBytes } from './query.ts';

/**
 * Decodes one captured path group like Synapse (`urllib.parse.unquote`: UTF-8, invalid bytes replaced,
 * `+` kept). `%21a%3Ahs` and `!a:hs` give the same room ID.
 * Synapse: synapse/http/server.py `_get_handler_for_request` unquotes every group.
 */
export function decodePathSegment(rawSegment: string): string {
  return percentDecodeToBytes(rawSegment).toString('utf8');
}

/**
 * Encodes a decoded value as one path segment for the upstream request: every `/`, `?`, `#`, `%` and
 * non-ASCII character is escaped, and a segment of dots is escaped too, so no value can add, remove or
 * climb path segments whatever a URL normaliser between us and Synapse does.
 */
export function encodePathSegment(value: string): string {
  const encoded = encodeURIComponent(value);
  return /^\.+$/.test(encoded) ? encoded.replaceAll('.', '%2E') : encoded;
}
