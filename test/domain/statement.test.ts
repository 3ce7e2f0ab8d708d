import { describe, expect, it } from 'vitest';
import { applyRawEvent } from '../../src/domain/apply-event.ts';
import { PROGRAM } from '../../src/domain/program-versions.ts';
import { closeQuarter, payoutIdempotencyKey } from '../../src/domain/statement.ts';
import { initialState, type CashbackState } from '../../src/domain/state.ts';
import { statusOf } from '../../src/domain/status.ts';
import { splitCents } from '../../src/domain/money.ts';

const user = 'u-1';
let n = 0;
function pay(state: CashbackState, cents: number, iso: string, kind = 'online') {
  n += 1;
  const raw = {
    paymentId: `p${n}`,
    userId: user,
    amount: { cents, currency: 'EUR' },
    kind,
    fundingAccount: 'seqr_account',
    occurredAt: iso,
  };
  return { id: `p${n}`, outcome: applyRawEvent(state, 'payment', raw, Date.parse(iso)) };
}
function refundOf(state: CashbackState, paymentId: string, cents: number, iso: string) {
  n += 1;
  return applyRawEvent(
    state,
    'refund',
    { refundId: `r${n}`, paymentId, userId: user, amount: { cents, currency: 'EUR' }, occurredAt: iso },
    Date.parse(iso),
  );
}
// After Q4 2026's payout instant (4 January), so Q1 2027 is the first quarter still open.
const start = Date.parse('2027-01-05T00:00:00+01:00');
const afterQ1 = Date.parse('2027-04-04T00:00:00+02:00');
const afterQ2 = Date.parse('2027-07-04T00:00:00+02:00');

describe('quarter statement', () => {
  it('reproduces the seed example exactly: €1 + €4 + €9 = €14', () => {
    const state = initialState(user, start);
    pay(state, 10_000, '2027-01-10T12:00:00+01:00');
    for (const cents of splitCents(20_000, 12)) pay(state, cents, '2027-02-10T12:00:00+01:00');
    for (const cents of splitCents(30_000, 22)) pay(state, cents, '2027-03-10T12:00:00+01:00');
    const statement = closeQuarter(state, afterQ1);
    expect(statement.lines.map((l) => [l.month, l.eligiblePayments, l.tier, l.cashback])).toEqual([
      ['2027-01', 1, 1, 10_000],
      ['2027-02', 12, 2, 40_000],
      ['2027-03', 22, 3, 90_000],
    ]);
    expect(statement).toMatchObject({
      total: 140_000,
      roundedCents: 1400,
      payableCents: 1400,
      carriedOut: 0,
      outcome: 'payable',
    });
    expect(state.nextPayout.quarter).toBe('2027-Q2');
    expect(payoutIdempotencyKey(user, '2027-Q1')).toBe('cashback:u-1:2027-Q1');
  });

  it('pays €1.00 once the exact total rounds to it, and nothing at €0.99', () => {
    const payable = initialState(user, start);
    pay(payable, 9_950, '2027-01-10T12:00:00+01:00');
    expect(closeQuarter(payable, afterQ1)).toMatchObject({ total: 9_950, roundedCents: 100, payableCents: 100 });
    const below = initialState(user, start);
    pay(below, 9_949, '2027-01-10T12:00:00+01:00');
    expect(closeQuarter(below, afterQ1)).toMatchObject({
      total: 9_949,
      roundedCents: 99,
      payableCents: 0,
      carriedOut: 9_949,
      outcome: 'below_minimum',
    });
  });

  it('forfeits a below-minimum amount under the forfeit policy and records it', () => {
    const state = initialState(user, start, {
      program: { ...PROGRAM, versions: PROGRAM.versions.map((v) => ({ ...v, minimumPolicy: 'forfeit' as const })) },
    });
    pay(state, 5_000, '2027-01-10T12:00:00+01:00');
    expect(closeQuarter(state, afterQ1)).toMatchObject({
      payableCents: 0,
      carriedOut: 0,
      forfeited: 5_000,
      minimumPolicy: 'forfeit',
    });
    expect(state.carryForward).toBe(0);
  });

  it('drops a fully refunded payment from the count, keeps a partially refunded one', () => {
    const state = initialState(user, start);
    const ids = Array.from({ length: 12 }, () => pay(state, 1_000, '2027-01-10T12:00:00+01:00').id);
    refundOf(state, ids[0]!, 500, '2027-01-11T12:00:00+01:00');
    expect(statusOf(state, Date.parse('2027-01-11T12:00:00+01:00')).currentMonth).toMatchObject({
      eligiblePayments: 12,
      tier: 2,
      netSpendCents: 11_500,
    });
    refundOf(state, ids[1]!, 1_000, '2027-01-11T12:00:00+01:00');
    expect(statusOf(state, Date.parse('2027-01-11T12:00:00+01:00')).currentMonth).toMatchObject({
      eligiblePayments: 11,
      tier: 1,
      netSpendCents: 10_500,
    });
  });

  it('still knows a payment refunded in full: its redelivery is a duplicate, a further refund is refused', () => {
    const state = initialState(user, start);
    const raw = {
      paymentId: 'full',
      userId: user,
      amount: { cents: 2_000, currency: 'EUR' },
      kind: 'online',
      fundingAccount: 'seqr_account',
      occurredAt: '2027-01-10T12:00:00+01:00',
    };
    const at = Date.parse(raw.occurredAt);
    expect(applyRawEvent(state, 'payment', raw, at)).toEqual({ result: 'accepted' });
    expect(refundOf(state, 'full', 2_000, '2027-01-11T12:00:00+01:00')).toEqual({ result: 'accepted' });
    expect(applyRawEvent(state, 'payment', raw, at)).toEqual({ result: 'duplicate' });
    expect(refundOf(state, 'full', 1, '2027-01-12T12:00:00+01:00')).toMatchObject({
      result: 'rejected',
      reason: expect.stringMatching(/exceeds the 0 cents left of payment full/),
    });
    expect(state.counters).toMatchObject({ payments: 1, refunds: 1, duplicates: 1, rejected: 1 });
  });

  it('rejects refunds above what is left, of unknown payments dated outside the window, and late events outside it', () => {
    const state = initialState(user, start);
    const { id } = pay(state, 1_000, '2027-01-10T12:00:00+01:00');
    expect(refundOf(state, id, 600, '2027-01-11T12:00:00+01:00')).toEqual({ result: 'accepted' });
    expect(refundOf(state, id, 500, '2027-01-11T12:00:00+01:00')).toMatchObject({
      result: 'rejected',
      reason: expect.stringMatching(/exceeds the 400 cents left/),
    });
    // A refund before its payment waits for it (held-refunds.ts); one dated outside the window cannot wait.
    expect(refundOf(state, 'nope', 1, '2027-01-11T12:00:00+01:00')).toEqual({ result: 'held' });
    closeQuarter(state, afterQ1);
    closeQuarter(state, afterQ2);
    const july = Date.parse('2027-07-10T00:00:00Z');
    const refund = { refundId: 'r-old', paymentId: 'nope-2', userId: user, amount: { cents: 1, currency: 'EUR' } };
    expect(applyRawEvent(state, 'refund', { ...refund, occurredAt: '2027-01-11T12:00:00+01:00' }, july)).toMatchObject({
      result: 'rejected',
      reason: expect.stringMatching(/unknown payment nope-2: month 2027-01 is older than the adjustment window/),
    });
    const late = applyRawEvent(
      state,
      'payment',
      {
        paymentId: 'old',
        userId: user,
        amount: { cents: 1, currency: 'EUR' },
        kind: 'online',
        fundingAccount: 'seqr_account',
        occurredAt: '2027-01-20T12:00:00+01:00',
      },
      Date.parse('2027-07-10T00:00:00Z'),
    );
    expect(late).toMatchObject({
      result: 'rejected',
      reason: expect.stringMatching(/older than the adjustment window/),
    });
    expect(state.counters.rejected).toBe(3);
  });

  it('carries a clawback larger than the next quarter forward as a negative amount, paying nothing', () => {
    const state = initialState(user, start);
    const { id } = pay(state, 100_000, '2027-01-10T12:00:00+01:00');
    expect(closeQuarter(state, afterQ1).payableCents).toBe(1_000);
    refundOf(state, id, 100_000, '2027-05-01T12:00:00+02:00');
    pay(state, 20_000, '2027-05-02T12:00:00+02:00');
    const q2 = closeQuarter(state, afterQ2);
    expect(q2).toMatchObject({
      total: 20_000 - 100_000,
      payableCents: 0,
      carriedOut: -80_000,
      outcome: 'below_minimum',
    });
    expect(q2.adjustments).toMatchObject([{ month: '2027-01', previously: 100_000, now: 0, delta: -100_000 }]);
  });
});
