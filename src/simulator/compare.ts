// What a proposed program would change, per quarter: what finance asks before a change is made.
import type { QuarterKey } from '../domain/calendar.ts';
import type { Cents } from '../domain/money.ts';
import type { QuarterStatement } from '../domain/statement-types.ts';

/** Each user's statements under one program, as Simulation.finish() returns them. */
export type Outcomes = Map<string, QuarterStatement[]>;

export interface QuarterFigures {
  paidCents: Cents;
  usersPaid: number;
  /** Paid ÷ users paid, rounded down to a cent; 0 when nobody is paid. */
  averageCents: Cents;
}

export interface QuarterComparison {
  quarter: QuarterKey;
  current: QuarterFigures;
  proposed: QuarterFigures;
  deltaCents: Cents;
  /** Users whose payout for the quarter moves by more than the threshold (€1), either way. */
  usersChanged: number;
}

export interface UserChange {
  userId: string;
  quarter: QuarterKey;
  currentCents: Cents;
  proposedCents: Cents;
  deltaCents: Cents;
}

export interface Comparison {
  quarters: QuarterComparison[];
  /** Every user-quarter whose payout differs at all. */
  users: UserChange[];
}

/** Payouts per user and quarter: the amount credited (0 when below the minimum or nothing was due). */
function payouts(outcomes: Outcomes): Map<string, Cents> {
  const result = new Map<string, Cents>();
  for (const [userId, statements] of outcomes)
    for (const statement of statements) result.set(`${statement.quarter} ${userId}`, statement.payableCents);
  return result;
}

export function compare(current: Outcomes, proposed: Outcomes, thresholdCents: Cents = 100): Comparison {
  const before = payouts(current);
  const after = payouts(proposed);
  const perQuarter = new Map<QuarterKey, { current: Cents[]; proposed: Cents[]; changed: number }>();
  const users: UserChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const [quarter, userId] = [key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1)];
    const currentCents = before.get(key) ?? 0;
    const proposedCents = after.get(key) ?? 0;
    const figures = perQuarter.get(quarter) ?? { current: [], proposed: [], changed: 0 };
    perQuarter.set(quarter, figures);
    if (currentCents > 0) figures.current.push(currentCents);
    if (proposedCents > 0) figures.proposed.push(proposedCents);
    if (Math.abs(proposedCents - currentCents) > thresholdCents) figures.changed += 1;
    if (proposedCents !== currentCents)
      users.push({ userId, quarter, currentCents, proposedCents, deltaCents: proposedCents - currentCents });
  }
  // A quarter nobody is paid for under either program (books opened early, nothing due) says nothing.
  const quarters = [...perQuarter.entries()]
    .filter(([, figures]) => figures.current.length + figures.proposed.length > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([quarter, figures]) => {
      const current = summarise(figures.current);
      const proposed = summarise(figures.proposed);
      return {
        quarter,
        current,
        proposed,
        deltaCents: proposed.paidCents - current.paidCents,
        usersChanged: figures.changed,
      };
    });
  users.sort((a, b) => a.quarter.localeCompare(b.quarter) || a.userId.localeCompare(b.userId));
  return { quarters, users };
}

function summarise(paid: Cents[]): QuarterFigures {
  const paidCents = paid.reduce((sum, cents) => sum + cents, 0);
  return { paidCents, usersPaid: paid.length, averageCents: paid.length ? Math.floor(paidCents / paid.length) : 0 };
}
