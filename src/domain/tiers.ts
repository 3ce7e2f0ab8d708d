// A month's exact cashback under the version in force for it.
import type { Cents, Hundredths } from './money.ts';
import { tierFor, type ProgramVersion } from './program.ts';

/** The rate applies to the month's whole net eligible spend. Never negative: refunds cannot exceed payments. */
export function monthCashback(version: ProgramVersion, eligiblePayments: number, netSpendCents: Cents): Hundredths {
  return Math.max(0, netSpendCents) * tierFor(version, eligiblePayments).ratePercent;
}
