// What a closed quarter's statement holds: the state carries recent ones, the statement module builds them.
import type { MonthKey, QuarterKey } from './calendar.ts';
import type { MinimumPolicy } from './program.ts';
import type { Cents, Hundredths } from './money.ts';
import type { StatementOutcome } from './payout-status.ts';
// statement.ts names the outcome beside the statement's other types.
export type { StatementOutcome };

/** A month under the version in force for it: a statement's line, and (but for its cashback) the status's month. */
export interface MonthTally {
  month: MonthKey;
  /** The program version in force for the month: it sets the tier and rate. */
  programVersion: number;
  /** Eligible payments not fully refunded. */
  eligiblePayments: number;
  netSpendCents: Cents;
  /** The tier reached under the month's version, and its rate. */
  tier: number;
  ratePercent: number;
  cashback: Hundredths;
}

/**
 * A month of an earlier, already closed quarter, recomputed because events landed in it after it was settled, under
 * its own version: a late event is recomputed under the rules that applied to its month.
 */
export interface Adjustment extends Pick<
  MonthTally,
  'month' | 'programVersion' | 'eligiblePayments' | 'netSpendCents' | 'tier'
> {
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
  lines: MonthTally[];
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
