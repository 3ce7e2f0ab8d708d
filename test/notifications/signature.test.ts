// The webhook's signature and the retry schedule: pure functions, checked over many inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/notifications/deliverer.ts';
import { signatureHeader, verifySignature } from '../../src/notifications/signature.ts';

describe('webhook signature', () => {
  it('verifies what it signed, and nothing altered', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 16 }), fc.string(), fc.string({ minLength: 1 }), (secret, body, extra) => {
        const now = Date.UTC(2027, 3, 4);
        const header = signatureHeader(secret, body, now);
        expect(verifySignature(secret, header, body, 300, now)).toBe(true);
        expect(verifySignature(secret, header, body + extra, 300, now)).toBe(false);
        expect(verifySignature(secret + extra, header, body, 300, now)).toBe(false);
      }),
    );
  });

  it('refuses an old timestamp (a replay), a missing header and a malformed one', () => {
    const now = Date.UTC(2027, 3, 4);
    const header = signatureHeader('a-secret-of-16-chars', '{}', now);
    expect(verifySignature('a-secret-of-16-chars', header, '{}', 300, now + 301_000)).toBe(false);
    expect(verifySignature('a-secret-of-16-chars', undefined, '{}', 300, now)).toBe(false);
    expect(verifySignature('a-secret-of-16-chars', 'v1=abc', '{}', 300, now)).toBe(false);
    expect(verifySignature('a-secret-of-16-chars', `t=${now / 1000},v1=zz`, '{}', 300, now)).toBe(false);
  });
});

describe('retry delay', () => {
  it('grows from the base, doubles per attempt, never exceeds the cap, and is at least half its ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempts, r) => {
          const delay = retryDelayMs(attempts, 1_000, 600_000, () => r);
          const ceiling = Math.min(600_000, 1_000 * 2 ** (attempts - 1));
          expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
          expect(delay).toBeLessThanOrEqual(ceiling);
        },
      ),
    );
  });
});
