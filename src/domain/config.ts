// The program's tunable rules in one table: tiers, time zone, grace period, minimum, adjustment window, input bounds.

export interface Tier {
  tier: number;
  /** Eligible payments in the month needed to reach this tier. */
  minPayments: number;
  ratePercent: number;
}

/** 1–11 payments → 1 %, 12–19 → 2 %, 20+ → 3 %. Ordered by minPayments. */
export const TIERS: readonly Tier[] = [
  { tier: 1, minPayments: 1, ratePercent: 1 },
  { tier: 2, minPayments: 12, ratePercent: 2 },
  { tier: 3, minPayments: 20, ratePercent: 3 },
];

export const minimumPolicies = ['carry-forward', 'forfeit'] as const;
export type MinimumPolicy = (typeof minimumPolicies)[number];

/** Captured into each workflow when it starts, so a run never changes rules half-way. */
export interface ProgramConfig {
  timeZone: string;
  settlementGraceDays: number;
  minimumPayoutCents: number;
  minimumPolicy: MinimumPolicy;
  /** How many closed quarters back an event may still land (as an adjustment). */
  adjustmentWindowQuarters: number;
  /**
   * Each user's payout falls at a stable offset (a hash of the userId) inside this many hours after the quarter's payout
   * instant, so that a million users are not paid in the same second. At most 24: everyone is paid on the promised day.
   */
  payoutWindowHours: number;
}

export const DEFAULT_PROGRAM: ProgramConfig = {
  timeZone: 'Europe/Stockholm',
  settlementGraceDays: 3,
  minimumPayoutCents: 100,
  minimumPolicy: 'carry-forward',
  adjustmentWindowQuarters: 1,
  payoutWindowHours: 24,
};

/** Input bounds: anything outside is rejected as bad input, never tallied. */
export const LIMITS = {
  /** €1,000,000: a single payment above this is surely a unit error. */
  maxPaymentCents: 100_000_000,
  maxIdLength: 128,
  /** Refunds held per user while their payment has not arrived (held-refunds.ts); past that, rejected with a reason. */
  maxHeldRefunds: 100,
  /** How far in the future (by the receiver's clock) an event may be dated: clock skew, not time travel. */
  maxFutureSkewMs: 60 * 60 * 1000,
  /** Rejections kept in state for the status view. */
  recentRejections: 20,
  /** Statements kept in state for the status view. */
  recentStatements: 4,
} as const;
