// Invariants of the rules, checked on random event streams (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyRawEvent } from '../../src/domain/apply-event.ts';
import { LIMITS } from '../../src/domain/config.ts';
import { paymentKinds } from '../../src/domain/events.ts';
import { roundHalfUpToCents } from '../../src/domain/money.ts';
import { closeQuarter } from '../../src/domain/statement.ts';
import { initialState, monthTally, type CashbackState } from '../../src/domain/state.ts';
import { tierFor, versionForMonth } from '../../src/domain/program.ts';
import { PROGRAM } from '../../src/domain/program-versions.ts';

const user = 'prop-user';
const start = Date.parse('2027-01-05T00:00:00+01:00');
const quarterStart = Date.parse('2027-01-01T00:00:00+01:00');
const quarterEnd = Date.parse('2027-03-31T23:59:59+02:00');
const payout = Date.parse('2027-04-04T00:00:00+02:00');

const paymentArb = fc.record({
  cents: fc.integer({ min: 1, max: LIMITS.maxPaymentCents }),
  kind: fc.constantFrom(...paymentKinds),
  at: fc.integer({ min: quarterStart, max: quarterEnd }),
});
type P = { cents: number; kind: string; at: number };

function raw(p: P, id: string) {
  return {
    paymentId: id,
    userId: user,
    amount: { cents: p.cents, currency: 'EUR' },
    kind: p.kind,
    fundingAccount: 'seqr_account',
    occurredAt: new Date(p.at).toISOString(),
  };
}
function stateWith(payments: P[], prefix = 'p'): CashbackState {
  const state = initialState(user, start);
  payments.forEach((p, i) => applyRawEvent(state, 'payment', raw(p, `${prefix}${i}`), Math.max(p.at, start)));
  return state;
}

describe('properties of the rules', () => {
  it('a quarter with no refunds never yields negative cashback, and pays exactly the rounded total when it reaches €1', () => {
    fc.assert(
      fc.property(fc.array(paymentArb, { maxLength: 60 }), (payments) => {
        const statement = closeQuarter(stateWith(payments), payout);
        expect(statement.total).toBeGreaterThanOrEqual(0);
        expect(statement.payableCents).toBeGreaterThanOrEqual(0);
        const exact = statement.lines.reduce(
          (sum, l) =>
            sum + l.netSpendCents * tierFor(versionForMonth(PROGRAM, l.month), l.eligiblePayments).ratePercent,
          0,
        );
        expect(statement.total).toBe(exact);
        expect(statement.payableCents).toBe(roundHalfUpToCents(exact) >= 100 ? roundHalfUpToCents(exact) : 0);
        expect(statement.payableCents === 0 ? statement.carriedOut : 0).toBe(statement.payableCents === 0 ? exact : 0);
      }),
    );
  });

  it("adding an eligible payment never lowers a month's cashback", () => {
    fc.assert(
      fc.property(fc.array(paymentArb, { maxLength: 40 }), paymentArb, (payments, extra) => {
        const eligibleExtra = { ...extra, kind: 'online' };
        const before = stateWith(payments);
        const after = stateWith([...payments, eligibleExtra]);
        const month = Object.keys(after.months).find((m) => after.months[m]![`p${payments.length}`]);
        expect(month).toBeDefined();
        expect(monthTally(after, month!).cashback).toBeGreaterThanOrEqual(monthTally(before, month!).cashback);
      }),
    );
  });

  it('P2P and charity payments never change anything paid', () => {
    const ineligible = paymentArb.map((p) => ({ ...p, kind: p.cents % 2 ? 'p2p' : 'charity' }));
    fc.assert(
      fc.property(
        fc.array(paymentArb, { maxLength: 40 }),
        fc.array(ineligible, { maxLength: 20 }),
        (payments, noise) => {
          const plain = closeQuarter(stateWith(payments), payout);
          const noisy = closeQuarter(stateWith([...payments, ...noise]), payout);
          expect(noisy.lines).toEqual(plain.lines);
          expect(noisy.payableCents).toBe(plain.payableCents);
        },
      ),
    );
  });

  it('delivering every event again, in any order, changes nothing', () => {
    fc.assert(
      fc.property(
        fc
          .array(paymentArb, { minLength: 1, maxLength: 30 })
          .chain((payments) => fc.tuple(fc.constant(payments), fc.shuffledSubarray(payments.map((_, i) => i)))),
        ([payments, replays]) => {
          const once = stateWith(payments);
          const twice = stateWith(payments);
          for (const i of replays)
            applyRawEvent(twice, 'payment', raw(payments[i]!, `p${i}`), Math.max(payments[i]!.at, start));
          expect(twice.counters.duplicates).toBe(replays.length);
          expect(closeQuarter(twice, payout).total).toBe(closeQuarter(once, payout).total);
        },
      ),
    );
  });

  it('refunds never make a month negative, and a refund of everything returns the month to zero', () => {
    fc.assert(
      fc.property(
        fc.array(paymentArb, { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (payments, picks) => {
          const state = stateWith(payments);
          picks.forEach((pick, n) => {
            const i = pick % payments.length;
            applyRawEvent(
              state,
              'refund',
              {
                refundId: `r${n}`,
                paymentId: `p${i}`,
                userId: user,
                amount: { cents: payments[i]!.cents, currency: 'EUR' },
                occurredAt: new Date(payout - 1).toISOString(),
              },
              payout - 1,
            );
          });
          for (const month of Object.keys(state.months))
            expect(monthTally(state, month).netSpendCents).toBeGreaterThanOrEqual(0);
          const refunded = new Set(picks.map((pick) => pick % payments.length));
          if (refunded.size === payments.length) expect(closeQuarter(state, payout).total).toBe(0);
        },
      ),
    );
  });
});

describe('running month tallies', () => {
  it('always equal a tally recomputed from scratch, whatever the order of payments, refunds and reads', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            paymentArb.map((p) => ({ op: 'pay' as const, p })),
            fc.record({ op: fc.constant('refund' as const), pick: fc.nat(), part: fc.integer({ min: 1, max: 100 }) }),
            fc.constant({ op: 'read' as const }),
          ),
          { maxLength: 80 },
        ),
        (ops) => {
          const state = initialState(user, start);
          const paid: P[] = [];
          ops.forEach((op, n) => {
            if (op.op === 'pay') {
              applyRawEvent(state, 'payment', raw(op.p, `p${paid.length}`), Math.max(op.p.at, start));
              paid.push(op.p);
            } else if (op.op === 'refund' && paid.length) {
              const i = op.pick % paid.length;
              const cents = Math.max(1, Math.floor((paid[i]!.cents * op.part) / 100));
              applyRawEvent(
                state,
                'refund',
                {
                  refundId: `r${n}`,
                  paymentId: `p${i}`,
                  userId: user,
                  amount: { cents, currency: 'EUR' },
                  occurredAt: new Date(payout - 1).toISOString(),
                },
                payout - 1,
              );
            } else {
              for (const month of Object.keys(state.months)) monthTally(state, month);
            }
          });
          const fresh = JSON.parse(JSON.stringify(state)) as CashbackState; // as after continue-as-new: no cached tallies
          for (const month of Object.keys(state.months))
            expect(monthTally(state, month)).toEqual(monthTally(fresh, month));
        },
      ),
      { numRuns: 300 },
    );
  });
});
