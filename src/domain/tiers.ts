// Tier and rate for a month's count of eligible payments; the month's exact cashback.
import { TIERS, type Tier } from './config.ts';
import type { Cents, Hundredths } from './money.ts';

const NO_TIER: Tier = { tier: 0, minPayments: 0, ratePercent: 0 };

export function tierFor(eligiblePayments: number): Tier {
  let reached = NO_TIER;
  for (const tier of TIERS) if (eligiblePayments >= tier.minPayments) reached = tier;
  return reached;
}

/** Payments still needed this month for the next tier; undefined at the top tier. */
export function paymentsToNextTier(eligiblePayments: number): number | undefined {
  const next = TIERS.find((tier) => tier.minPayments > eligiblePayments);
  return next ? next.minPayments - eligiblePayments : undefined;
}

/** The rate applies to the month's whole net eligible spend. Never negative: refunds cannot exceed payments. */
export function monthCashback(eligiblePayments: number, netSpendCents: Cents): Hundredths {
  return Math.max(0, netSpendCents) * tierFor(eligiblePayments).ratePercent;
}
