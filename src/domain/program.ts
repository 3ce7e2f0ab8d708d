// The program as a list of versions, each effective from a quarter: which rules apply to a month and to a quarter.
import {
  addQuarters,
  payoutInstant,
  payoutOffsetMs,
  quarterIndex,
  quarterOfInstant,
  quarterOfMonth,
  type MonthKey,
  type QuarterKey,
} from './calendar.ts';
import type { Cents, Hundredths } from './money.ts';

export interface Tier {
  tier: number;
  /** Eligible payments in the month needed to reach this tier. */
  minPayments: number;
  ratePercent: number;
}

export const minimumPolicies = ['carry-forward', 'forfeit'] as const;
export type MinimumPolicy = (typeof minimumPolicies)[number];

/** One published set of rules. A month's tier and rate come from the version in force for its quarter. */
export interface ProgramVersion {
  version: number;
  /** The first quarter it governs; it governs every later quarter until the next version. */
  effectiveFrom: QuarterKey;
  /** Ordered by minPayments. */
  tiers: Tier[];
  minimumPayoutCents: number;
  minimumPolicy: MinimumPolicy;
  /** Calendar days after the quarter's end before it is paid. */
  settlementGraceDays: number;
  /** How many closed quarters back an event may still land (as an adjustment). */
  adjustmentWindowQuarters: number;
}

export interface Program {
  /**
   * One zone for every version: months and quarters must tile time the same way under all of them, or a payment near
   * midnight at a version's boundary would fall in a month of each version, or of neither.
   */
  timeZone: string;
  /** Ordered by effectiveFrom; the first also governs anything earlier (imported history). */
  versions: ProgramVersion[];
}

/** The version in force for a quarter: the last one effective at or before it. */
export function versionFor(program: Program, quarter: QuarterKey): ProgramVersion {
  const index = quarterIndex(quarter);
  let found = program.versions[0]!;
  for (const version of program.versions) if (quarterIndex(version.effectiveFrom) <= index) found = version;
  return found;
}

export function versionForMonth(program: Program, month: MonthKey): ProgramVersion {
  return versionFor(program, quarterOfMonth(month));
}

const NO_TIER: Tier = { tier: 0, minPayments: 0, ratePercent: 0 };

export function tierFor(version: ProgramVersion, eligiblePayments: number): Tier {
  let reached = NO_TIER;
  for (const tier of version.tiers) if (eligiblePayments >= tier.minPayments) reached = tier;
  return reached;
}

/** A month's exact cashback: its rate on its whole net eligible spend; never negative (refunds cannot exceed payments). */
export function monthCashback(version: ProgramVersion, eligiblePayments: number, netSpendCents: Cents): Hundredths {
  return Math.max(0, netSpendCents) * tierFor(version, eligiblePayments).ratePercent;
}

/** Payments still needed this month for the next tier; undefined at the top tier. */
export function paymentsToNextTier(version: ProgramVersion, eligiblePayments: number): number | undefined {
  const next = version.tiers.find((tier) => tier.minPayments > eligiblePayments);
  return next ? next.minPayments - eligiblePayments : undefined;
}

/** When a quarter is paid under the program: its end plus the grace of the version in force for it. */
export function quarterPayoutInstant(program: Program, quarter: QuarterKey): number {
  return payoutInstant(quarter, program.timeZone, versionFor(program, quarter).settlementGraceDays);
}

/** When `userId` is paid for `quarter`: the quarter's payout instant plus the user's offset in the payout window. */
export function userPayoutInstant(program: Program, windowHours: number, userId: string, quarter: QuarterKey): number {
  return quarterPayoutInstant(program, quarter) + payoutOffsetMs(userId, windowHours);
}

/**
 * The first quarter not yet closed at `epochMs`: the previous one while its grace period runs, else the current one.
 */
export function firstOpenQuarter(program: Program, epochMs: number): QuarterKey {
  const previous = addQuarters(quarterOfInstant(epochMs, program.timeZone), -1);
  return epochMs < quarterPayoutInstant(program, previous) ? previous : addQuarters(previous, 1);
}
