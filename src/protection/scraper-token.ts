// The optional METRICS_TOKEN of the scraper endpoints (/_facade/metrics, /_facade/ready), checked in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** How a request's credentials compare with the configured token. */
export type ScraperTokenVerdict = 'allowed' | 'missing' | 'wrong';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Builds the check of `Authorization: Bearer <token>`. Without a configured token every request is allowed.
 * Both sides are hashed first, so the comparison takes the same time whatever the length or content of a
 * guess; the token itself is never logged or returned.
 */
export function scraperTokenCheck(configured: string | undefined): (headers: IncomingHttpHeaders) => ScraperTokenVerdict {
  if (configured === undefined) return () => 'allowed';
  const expected = digest(configured);
  return (headers) => {
    const match = /^Bearer (\S+)$/.exec(headers.authorization ?? '');
    if (!match) return 'missing';
    return timingSafeEqual(digest(match[1]!), expected) ? 'allowed' : 'wrong';
  };
}
