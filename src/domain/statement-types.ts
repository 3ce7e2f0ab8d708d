// What a closed quarter's statement holds: the state carries recent ones, the statement module builds them.
import type { MonthKey, QuarterKey } from './calendar.ts';
import type { MinimumPolicy } from './program.ts';
import type { Cents, Hundredths } from './money.ts';
import type { StatementOutcome } from './payout-status.ts';
// statement.ts names the outcome beside the statement's other types.
export type { StatementOutcome };

export interface StatementLine {
  month: MonthKey;
  /** The program version in force for the month: it set the tier and rate. */
  programVersion: number;
  eligiblePayments: number;
  netSpendCents: Cents;
  tier: number;
  ratePercent: number;
  cashback: Hundredths;
}

/** A month of an earlier, already closed quarter, recomputed because events landed in it after it was settled. */
export interface Adjustment {
  month: MonthKey;
  /** The month's own version: a late event is recomputed under the rules that applied to its month. */
  programVersion: number;
  eligiblePayments: number;
  netSpendCents: Cents;
  tier: number;
  previously: Hundredths;
  now: Hundredths;
  delta: Hundredths;
}

export interface QuarterStatement {
  userId: string;
  quarter: QuarterKey;
  /** The program version the quarter was closed under: it set the minimum and its policy. */
  programVersion: number;
  closedAt: string;
  lines: StatementLine[];
  adjustments: Adjustment[];
  carriedIn: Hundredths;
  /** Lines + adjustments + carried in, exact. */
  total: Hundredths;
  /** Total rounded half up to cents. */
  roundedCents: Cents;
  /** What is credited: the rounded total when it reaches the minimum, else 0. */
  payableCents: Cents;
  carriedOut: Hundredths;
  forfeited: Hundredths;
  minimumPolicy: MinimumPolicy;
  outcome: StatementOutcome;
}
