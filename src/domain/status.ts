// What a user's state means right now: the `status` query's answer and the workflow's current details (Markdown).
import { isoInZone, monthOfInstant, monthsOfQuarter, type QuarterKey } from './calendar.ts';
import { formatEuros, roundHalfUpToCents, type Cents, type Hundredths } from './money.ts';
import type { PayoutSummary } from './payout-status.ts';
import type { MonthTally, QuarterStatement } from './statement-types.ts';
import { paymentsToNextTier, versionFor, versionForMonth } from './program.ts';
import { monthTally, programOf, type CashbackState, type Rejection, type UnpaidPayout } from './state.ts';

export interface CashbackStatus {
  userId: string;
  asOf: string;
  /** This month so far: its tally, without the cashback (the open quarter's estimate holds it). */
  currentMonth: Omit<MonthTally, 'cashback'> & {
    /** Undefined at the top tier. */
    paymentsToNextTier?: number;
  };
  openQuarter: {
    quarter: QuarterKey;
    /** The program version the quarter will close under. */
    programVersion: number;
    payoutAt: string;
    /** The payout day in the program time zone, e.g. 2027-04-04. */
    payoutDate: string;
    /** The scheduled time that day, in the program time zone (each user's place in the payout window), e.g. 13:37. */
    payoutTime: string;
    /** Months of the quarter plus carry-forward, exact. Adjustments are added when the quarter closes. */
    estimated: Hundredths;
    estimatedCents: Cents;
  };
  carryForward: Hundredths;
  payoutStatus: PayoutSummary;
  lastPaidQuarter?: QuarterKey;
  unpaid: UnpaidPayout[];
  lastStatements: QuarterStatement[];
  counters: CashbackState['counters'];
  recentRejections: Rejection[];
  /** Refunds waiting for their payment, and the quarter until which they wait. */
  heldRefunds: { refundId: string; paymentId: string; amountCents: Cents; heldSince: string; until: QuarterKey }[];
}

export function payoutSummary(state: CashbackState): PayoutSummary {
  const unpaid = Object.values(state.unpaid);
  if (unpaid.some((payout) => payout.status === 'failed')) return 'failed';
  if (unpaid.length > 0) return 'pending';
  return state.lastPaidQuarter ? 'paid' : 'none';
}

export function statusOf(state: CashbackState, nowMs: number): CashbackStatus {
  const program = programOf(state);
  const zone = program.timeZone;
  const month = monthOfInstant(nowMs, zone);
  const { cashback: _cashback, ...current } = monthTally(state, month);
  const { quarter, at } = state.nextPayout;
  const local = isoInZone(at, zone);
  const estimated =
    monthsOfQuarter(quarter).reduce((sum, m) => sum + monthTally(state, m).cashback, 0) + state.carryForward;
  return {
    userId: state.userId,
    asOf: new Date(nowMs).toISOString(),
    currentMonth: {
      ...current,
      paymentsToNextTier: paymentsToNextTier(versionForMonth(program, month), current.eligiblePayments),
    },
    openQuarter: {
      quarter,
      programVersion: versionFor(program, quarter).version,
      payoutAt: new Date(at).toISOString(),
      payoutDate: local.slice(0, 10),
      payoutTime: local.slice(11, 16),
      estimated,
      estimatedCents: roundHalfUpToCents(estimated),
    },
    carryForward: state.carryForward,
    payoutStatus: payoutSummary(state),
    lastPaidQuarter: state.lastPaidQuarter,
    unpaid: Object.values(state.unpaid),
    lastStatements: state.recentStatements,
    counters: state.counters,
    recentRejections: state.recentRejections,
    heldRefunds: state.heldRefunds.map(({ refund, heldSince, until }) => ({
      refundId: refund.refundId,
      paymentId: refund.paymentId,
      amountCents: refund.amount.cents,
      heldSince,
      until,
    })),
  };
}

/** The workflow's "current details" in the Temporal UI: a Markdown list, a line per failed payout and three more. */
export function currentDetailsMarkdown(status: CashbackStatus): string {
  const { currentMonth: m, openQuarter: open, counters } = status;
  const next = m.paymentsToNextTier === undefined ? 'top tier' : `${m.paymentsToNextTier} more for the next tier`;
  const failed = status.unpaid
    .filter((p) => p.status === 'failed')
    .map(
      (p) =>
        `- **${p.quarter} payout FAILED** (${formatEuros(p.amountCents)}): ${p.failureReason ?? ''} — ` +
        `retry with \`retry-payout ${status.userId} ${p.quarter}\``,
    );
  return [
    ...failed,
    `- ${m.month}: ${m.eligiblePayments} eligible payments, tier ${m.tier} (${m.ratePercent} %), ${next}`,
    `- ${open.quarter}: about ${formatEuros(open.estimatedCents)}, paid on ${open.payoutDate} at ${open.payoutTime}`,
    `- last paid: ${status.lastPaidQuarter ?? 'never'}; payments ${counters.payments}, ` +
      `duplicates ${counters.duplicates}, rejected ${counters.rejected}`,
  ].join('\n');
}
