// `statement <userId> <quarter>` and `payouts --quarter <q> [--status s]`: what PostgreSQL holds for operators.
import { parseQuarterKey } from '../../domain/calendar.ts';
import { formatEuros, formatHundredths } from '../../domain/money.ts';
import { quarterPayoutStatuses, type QuarterPayoutStatus } from '../../domain/payout-status.ts';
import { QuarterStatementRecord } from '../../db/entities/quarter-statement-record.ts';
import type { CliContext } from '../context.ts';
import { colourStatus, printJson, printPairs, printTable, UsageError } from '../output.ts';

export async function statementCommand(
  ctx: CliContext,
  userId: string,
  quarter: string,
  options: { json?: boolean },
): Promise<void> {
  parseQuarterKey(quarter);
  const row = await (await ctx.database()).em.fork().findOne(QuarterStatementRecord, { userId, quarter });
  if (!row) throw new UsageError(`no statement for user ${userId} in ${quarter} (not closed yet, or unknown user)`);
  if (options.json)
    return printJson({
      payoutStatus: row.payoutStatus,
      paidCents: row.paidCents,
      ledgerEntryId: row.ledgerEntry?.id,
      failureReason: row.failureReason,
      statement: row.statement,
    });
  const s = row.statement;
  printTable(
    ['month', 'eligible payments', 'net spend', 'tier', 'cashback (exact)'],
    s.lines.map((l) => [
      l.month,
      l.eligiblePayments,
      formatEuros(l.netSpendCents),
      `${l.tier} (${l.ratePercent} %)`,
      formatHundredths(l.cashback),
    ]),
  );
  if (s.adjustments.length) {
    printTable(
      ['adjusted month', 'eligible payments', 'net spend', 'was', 'now', 'difference'],
      s.adjustments.map((a) => [
        a.month,
        a.eligiblePayments,
        formatEuros(a.netSpendCents),
        formatHundredths(a.previously),
        formatHundredths(a.now),
        formatHundredths(a.delta),
      ]),
    );
  }
  printPairs([
    ['carried in', formatHundredths(s.carriedIn)],
    ['total (exact)', formatHundredths(s.total)],
    ['paid', formatEuros(row.paidCents)],
    ['carried out', formatHundredths(s.carriedOut)],
    ...(s.forfeited ? [['forfeited', formatHundredths(s.forfeited)] as [string, string]] : []),
    [
      'payout',
      colourStatus(row.payoutStatus) +
        (row.ledgerEntry ? `, ledger entry ${row.ledgerEntry.id}` : '') +
        (row.failureReason ? `: ${row.failureReason}` : ''),
    ],
  ]);
}

export async function payoutsCommand(
  ctx: CliContext,
  options: { quarter: string; status?: string; json?: boolean },
): Promise<void> {
  parseQuarterKey(options.quarter);
  if (options.status && !(quarterPayoutStatuses as readonly string[]).includes(options.status)) {
    throw new UsageError(`--status must be one of ${quarterPayoutStatuses.join(', ')}`);
  }
  const rows = await (await ctx.database()).em.fork().find(
    QuarterStatementRecord,
    {
      quarter: options.quarter,
      ...(options.status ? { payoutStatus: options.status as QuarterPayoutStatus } : {}),
    },
    { orderBy: { userId: 'asc' } },
  );
  const payouts = rows.map((r) => ({
    userId: r.userId,
    quarter: r.quarter,
    payoutStatus: r.payoutStatus,
    paidCents: r.paidCents,
    payableCents: r.statement.payableCents,
    ledgerEntryId: r.ledgerEntry?.id,
    failureReason: r.failureReason,
  }));
  if (options.json) return printJson(payouts);
  if (!payouts.length)
    return void process.stdout.write(
      `no payouts for ${options.quarter}${options.status ? ` with status ${options.status}` : ''}\n`,
    );
  printTable(
    ['user', 'status', 'due', 'paid', 'ledger entry', 'reason'],
    payouts.map((p) => [
      p.userId,
      colourStatus(p.payoutStatus),
      formatEuros(p.payableCents),
      formatEuros(p.paidCents),
      p.ledgerEntryId ?? '',
      p.failureReason ?? '',
    ]),
  );
}
