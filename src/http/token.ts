// One comparison of a presented token with the expected one, for every server that takes a bearer token.
import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares the presented token with the expected one in constant time (both hashed first, so lengths do not leak). */
export function tokenMatches(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
