// `status <userId>`: the user's month, tier, open quarter estimate, payouts and counters, from the workflow.
import { formatEuros, formatHundredths } from '../../domain/money.ts';
import { PROGRAM } from '../../domain/program-versions.ts';
import type { CliContext } from '../context.ts';
import { colourStatus, formatInstant, printJson, printPairs, printTable } from '../output.ts';

export async function statusCommand(ctx: CliContext, userId: string, options: { json?: boolean }): Promise<void> {
  const status = await (await ctx.cashback()).getStatus(userId);
  if (options.json) return printJson(status);
  const m = status.currentMonth;
  const { openQuarter: open, counters } = status;
  const zone = PROGRAM.timeZone;
  printPairs([
    ['user', status.userId],
    ['month', `${m.month}: ${m.eligiblePayments} eligible payments, ${formatEuros(m.netSpendCents)} net spend`],
    [
      'tier',
      `${m.tier} (${m.ratePercent} %, program v${m.programVersion}), ` +
        (m.paymentsToNextTier === undefined ? 'top tier' : `${m.paymentsToNextTier} more payments for the next`),
    ],
    [
      'open quarter',
      `${open.quarter}: about ${formatEuros(open.estimatedCents)}, paid on ${formatInstant(open.payoutAt, zone)} ` +
        `(program v${open.programVersion})`,
    ],
    ['carried forward', formatHundredths(status.carryForward)],
    ['payout status', colourStatus(status.payoutStatus)],
    ['last paid quarter', status.lastPaidQuarter ?? 'never'],
    [
      'events',
      `${counters.payments} payments, ${counters.refunds} refunds, ${counters.duplicates} duplicates, ` +
        `${counters.rejected} rejected`,
    ],
  ]);
  if (status.unpaid.length) {
    printTable(
      ['unpaid quarter', 'amount', 'status', 'attempts', 'reason'],
      status.unpaid.map((p) => [
        p.quarter,
        formatEuros(p.amountCents),
        colourStatus(p.status),
        p.attempts,
        p.failureReason ?? '',
      ]),
    );
  }
  if (status.heldRefunds.length) {
    printTable(
      ['held refund', 'of payment', 'amount', 'held since', 'waits until'],
      status.heldRefunds.map((r) => [
        r.refundId,
        r.paymentId,
        formatEuros(r.amountCents),
        formatInstant(r.heldSince, zone),
        `${r.until} leaves the window`,
      ]),
    );
  }
  if (status.recentRejections.length) {
    printTable(
      ['rejected event', 'when', 'reason'],
      status.recentRejections.map((r) => [r.eventId, formatInstant(r.at, zone), r.reason]),
    );
  }
}
