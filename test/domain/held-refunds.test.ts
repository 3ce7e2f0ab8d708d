// Refunds that arrive before their payment: held, applied when it comes as if delivered in order, rejected (visibly)
// when their quarter leaves the adjustment window, at most LIMITS.maxHeldRefunds per user.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRawEvent } from '../../src/domain/apply-event.ts';
import { LIMITS } from '../../src/domain/config.ts';
import { expireHeldRefunds } from '../../src/domain/held-refunds.ts';
import { closeQuarter } from '../../src/domain/statement.ts';
import { initialState, type CashbackState } from '../../src/domain/state.ts';
import { statusOf } from '../../src/domain/status.ts';

const user = 'held-user';
const start = Date.parse('2027-01-05T00:00:00+01:00');
const payout = Date.parse('2027-04-04T00:00:00+02:00');
const at = (day: number) => new Date(Date.parse('2027-01-01T12:00:00+01:00') + day * 86_400_000).toISOString();

const payment = (i: number, cents: number, day: number) => ({
  paymentId: `p${i}`,
  userId: user,
  amount: { cents, currency: 'EUR' },
  kind: 'online',
  fundingAccount: 'seqr_account',
  occurredAt: at(day),
});
const refund = (j: number, paymentId: string, cents: number, day: number) => ({
  refundId: `r${j}`,
  paymentId,
  userId: user,
  amount: { cents, currency: 'EUR' },
  occurredAt: at(day),
});
type Event = { type: 'payment' | 'refund'; raw: ReturnType<typeof payment> | ReturnType<typeof refund> };

function run(events: Event[]): CashbackState {
  const state = initialState(user, start);
  for (const { type, raw } of events) applyRawEvent(state, type, raw, Date.parse('2027-03-31T12:00:00+02:00'));
  return state;
}

/** Payments in Q1 and partial or full refunds of them (at most what is left of each). */
const streams = fc
  .array(
    fc.record({
      cents: fc.integer({ min: 1, max: 100_000 }),
      day: fc.integer({ min: 0, max: 88 }),
      parts: fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((specs) => {
    const payments: Event[] = [];
    const refunds: Event[] = [];
    specs.forEach((spec, i) => {
      payments.push({ type: 'payment', raw: payment(i, spec.cents, spec.day) });
      let left = spec.cents;
      spec.parts.forEach((part, k) => {
        const cents = Math.min(left, Math.max(1, Math.floor((spec.cents * part) / 300)));
        if (cents < 1 || left === 0) return;
        left -= cents;
        refunds.push({ type: 'refund', raw: refund(i * 10 + k, `p${i}`, cents, Math.min(89, spec.day + k)) });
      });
    });
    return { payments, refunds };
  });

describe('held refunds', () => {
  it('every refund delivered before its payment gives the same statement as delivery in order', () => {
    fc.assert(
      fc.property(streams, ({ payments, refunds }) => {
        const inOrder = run([...payments, ...refunds]);
        const refundsFirst = run([...refunds, ...payments]);
        expect(refundsFirst.heldRefunds).toEqual([]);
        expect(refundsFirst.counters).toEqual(inOrder.counters);
        expect(closeQuarter(refundsFirst, payout)).toEqual(closeQuarter(inOrder, payout));
      }),
    );
  });

  it('shows a held refund in status, and a repeat of it is a duplicate', () => {
    const state = run([
      { type: 'refund', raw: refund(1, 'p9', 500, 10) },
      { type: 'refund', raw: refund(1, 'p9', 500, 10) },
    ]);
    expect(statusOf(state, start).heldRefunds).toMatchObject([
      { refundId: 'r1', paymentId: 'p9', amountCents: 500, until: '2027-Q1' },
    ]);
    expect(state.counters).toMatchObject({ refunds: 0, duplicates: 1, rejected: 0 });
  });

  it('rejects a held refund, visibly, once its quarter leaves the adjustment window with no payment', () => {
    const state = run([{ type: 'refund', raw: refund(1, 'p9', 500, 10) }]);
    // Q1 closes and Q2 begins: Q1 is still inside the one-quarter adjustment window.
    closeQuarter(state, payout);
    expireHeldRefunds(state, payout);
    expect(state.heldRefunds).toHaveLength(1);
    // Q2 closes in July: Q1 has left the window.
    const julyPayout = Date.parse('2027-07-04T00:00:00+02:00');
    closeQuarter(state, julyPayout);
    expireHeldRefunds(state, julyPayout);
    expect(state.heldRefunds).toEqual([]);
    expect(state.counters.rejected).toBe(1);
    expect(statusOf(state, julyPayout).recentRejections).toMatchObject([
      {
        eventId: 'r1',
        reason: expect.stringMatching(
          /refund of unknown payment p9: held since 2027-03-31, no payment came before 2027-01 left the adjustment window/,
        ),
      },
    ]);
  });

  it(`holds at most ${LIMITS.maxHeldRefunds} refunds per user; past that, rejects with a reason`, () => {
    const events: Event[] = Array.from({ length: LIMITS.maxHeldRefunds + 1 }, (_, j) => ({
      type: 'refund',
      raw: refund(j, `ghost${j}`, 100, 5),
    }));
    const state = run(events);
    expect(state.heldRefunds).toHaveLength(LIMITS.maxHeldRefunds);
    expect(state.recentRejections.at(-1)?.reason).toBe(
      `refund of unknown payment ghost${LIMITS.maxHeldRefunds}: ${LIMITS.maxHeldRefunds} refunds already wait for their payments`,
    );
  });
});
