// One comparison of a presented token with the expected one, for every server that takes a bearer token.
import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares the presented token with the expected one in constant time (both hashed first, so lengths do not leak). */
export function tokenMatches(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** A server without a token listens on loopback only: anyone who reaches another address could use it. */
export function requireTokenOffLoopback(host: string, token: string | undefined, variable: string): void {
  if (!token && !LOOPBACK.has(host))
    throw new Error(`${variable} is required to listen on ${host}: without a token only loopback is safe`);
}
