import { describe, expect, it } from 'vitest';
import { isEligible, MAX_EVENT_BYTES, paymentKinds, validateEvent } from '../../src/domain/events.ts';

const now = Date.parse('2027-01-15T12:00:00Z');
const good = {
  paymentId: 'p-1',
  userId: 'u-1',
  amount: { cents: 1234, currency: 'EUR' },
  kind: 'in_store',
  fundingAccount: 'sepa_direct_debit',
  occurredAt: '2027-01-15T12:00:00+01:00',
};
const goodRefund = {
  refundId: 'r-1',
  paymentId: 'p-1',
  userId: 'u-1',
  amount: { cents: 100, currency: 'EUR' },
  occurredAt: '2027-01-15T12:00:00Z',
};

describe('event validation', () => {
  it('accepts a well-formed payment and refund', () => {
    expect(validateEvent('payment', good, now)).toEqual({ ok: true, value: good });
    expect(validateEvent('refund', goodRefund, now)).toEqual({ ok: true, value: goodRefund });
  });

  it.each([
    [
      'unknown kind',
      { ...good, kind: 'casino' },
      /kind must be one of in_store, online, shop_on_the_spot, p2p, charity/,
    ],
    ['fractional cents', { ...good, amount: { cents: 12.5, currency: 'EUR' } }, /whole number of cents/],
    ['zero cents', { ...good, amount: { cents: 0, currency: 'EUR' } }, /must be positive/],
    ['negative cents', { ...good, amount: { cents: -5, currency: 'EUR' } }, /must be positive/],
    ['cents as a string', { ...good, amount: { cents: '100', currency: 'EUR' } }, /number of euro cents/],
    ['a huge amount', { ...good, amount: { cents: 100_000_001, currency: 'EUR' } }, /at most 100000000/],
    ['another currency', { ...good, amount: { cents: 100, currency: 'SEK' } }, /currency must be "EUR"/],
    ['a missing paymentId', { ...good, paymentId: undefined }, /paymentId is required/],
    ['an empty userId', { ...good, userId: '' }, /userId must not be empty/],
    ['an unparsable instant', { ...good, occurredAt: 'yesterday' }, /ISO-8601 instant with an offset/],
    ['an instant without offset', { ...good, occurredAt: '2027-01-15T12:00:00' }, /ISO-8601 instant with an offset/],
    ['a far-future instant', { ...good, occurredAt: '2027-06-01T00:00:00Z' }, /is in the future/],
    ['an unknown funding account', { ...good, fundingAccount: 'credit_card' }, /fundingAccount must be one of/],
    ['an unexpected field', { ...good, note: 'x' }, /nrecognized key/],
    ['a payload far too large', { ...good, paymentId: 'x'.repeat(5000) }, /bytes; at most 2048/],
    ['not an object', 'payment', /expected object|Invalid input/],
  ])('rejects %s with a specific message', (_name, event, message) => {
    const result = validateEvent('payment', event, now);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('; ')).toMatch(message);
  });

  it('accepts no event near the size limit: every field is bounded, so only a refused one is measured', () => {
    const id = 'x'.repeat(128);
    const largest = {
      refundId: id,
      paymentId: id,
      userId: id,
      amount: { cents: 100_000_000, currency: 'EUR' },
      occurredAt: '2026-11-01T00:00:00.123456789012+01:00'.slice(0, 40),
    };
    const { refundId: _, ...common } = largest;
    const payment = { ...common, kind: 'shop_on_the_spot', fundingAccount: 'sepa_direct_debit' };
    expect(validateEvent('refund', largest, now)).toMatchObject({ ok: true });
    expect(validateEvent('payment', payment, now)).toMatchObject({ ok: true });
    for (const event of [largest, payment]) expect(JSON.stringify(event).length).toBeLessThan(MAX_EVENT_BYTES / 2);
    expect(
      validateEvent('payment', { ...payment, occurredAt: `${'2026-11-01T00:00:00.'}${'1'.repeat(30)}Z` }, now),
    ).toEqual({
      ok: false,
      errors: ['occurredAt must be at most 40 characters'],
    });
  });

  it('rejects a refund without a refundId or with a bad amount', () => {
    const missing = validateEvent('refund', { ...goodRefund, refundId: undefined }, now);
    expect(missing.ok || missing.errors.join()).toMatch(/refundId is required/);
    const negative = validateEvent('refund', { ...goodRefund, amount: { cents: -1, currency: 'EUR' } }, now);
    expect(negative.ok || negative.errors.join()).toMatch(/must be positive/);
  });

  it('makes eligibility depend on the kind only', () => {
    expect(paymentKinds.filter(isEligible)).toEqual(['in_store', 'online', 'shop_on_the_spot']);
  });
});
