// The what-if comparison on its own: per quarter, what is paid and to how many, and each user whose payout moves.
import { describe, expect, it } from 'vitest';
import type { QuarterStatement } from '../../src/domain/statement-types.ts';
import { compare, type Outcomes } from '../../src/simulator/compare.ts';

/** Only what compare reads: the quarter and the amount credited. */
const paid = (quarter: string, payableCents: number) => ({ quarter, payableCents }) as QuarterStatement;
const outcomes = (entries: Record<string, QuarterStatement[]>): Outcomes => new Map(Object.entries(entries));

describe('compare', () => {
  it('sums each quarter under both programs and lists every user whose payout differs', () => {
    const current = outcomes({ a: [paid('2027-Q1', 1_400)], b: [paid('2027-Q1', 300)], c: [paid('2027-Q1', 0)] });
    const proposed = outcomes({ a: [paid('2027-Q1', 1_600)], b: [paid('2027-Q1', 350)], c: [paid('2027-Q1', 120)] });
    expect(compare(current, proposed)).toEqual({
      quarters: [
        {
          quarter: '2027-Q1',
          current: { paidCents: 1_700, usersPaid: 2, averageCents: 850 },
          proposed: { paidCents: 2_070, usersPaid: 3, averageCents: 690 },
          deltaCents: 370,
          // Moved by more than €1: a (+€2.00) and c (+€1.20); b moves €0.50.
          usersChanged: 2,
        },
      ],
      users: [
        { userId: 'a', quarter: '2027-Q1', currentCents: 1_400, proposedCents: 1_600, deltaCents: 200 },
        { userId: 'b', quarter: '2027-Q1', currentCents: 300, proposedCents: 350, deltaCents: 50 },
        { userId: 'c', quarter: '2027-Q1', currentCents: 0, proposedCents: 120, deltaCents: 120 },
      ],
    });
  });

  it('leaves out a quarter nobody is paid for, and orders quarters and users', () => {
    const current = outcomes({ z: [paid('2027-Q2', 500), paid('2027-Q3', 0)], y: [paid('2027-Q1', 200)] });
    const proposed = outcomes({ z: [paid('2027-Q2', 500), paid('2027-Q3', 0)], y: [paid('2027-Q1', 100)] });
    const result = compare(current, proposed, 50);
    expect(result.quarters.map((q) => [q.quarter, q.deltaCents, q.usersChanged])).toEqual([
      ['2027-Q1', -100, 1],
      ['2027-Q2', 0, 0],
    ]);
    expect(result.users).toEqual([
      { userId: 'y', quarter: '2027-Q1', currentCents: 200, proposedCents: 100, deltaCents: -100 },
    ]);
  });
});
