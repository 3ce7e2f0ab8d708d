// Engine settings that are not program rules (those are versioned in program-versions.ts): the payout window, input
// bounds.

/**
 * Each user's payout falls at a stable offset (a hash of the userId) inside this many hours after the quarter's payout
 * instant, so that a million users are not paid in the same second. At most 24: everyone is paid on the promised day.
 * A deploy setting (PAYOUT_WINDOW_HOURS), not a program rule: each workflow captures it when it starts.
 */
export const DEFAULT_PAYOUT_WINDOW_HOURS = 24;

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
