// `report <quarter> [--csv | --json]`: the quarter for finance. --csv streams every user's statement line instead.
import { SingleBar } from 'cli-progress';
import { parseQuarterKey } from '../../domain/calendar.ts';
import { formatEuros, formatHundredths } from '../../domain/money.ts';
import { inSnapshot } from '../../db/pg-session.ts';
import { quarterReport } from '../../finance/report.ts';
import { exportStatementLines } from '../../finance/statement-lines.ts';
import type { CliContext } from '../context.ts';
import { printJson, printPairs, printTable, UsageError } from '../output.ts';

export async function reportCommand(
  ctx: CliContext,
  quarterArg: string,
  options: { csv?: boolean; json?: boolean; quiet?: boolean },
): Promise<void> {
  const quarter = parseQuarterKey(quarterArg);
  if (options.csv && options.json) throw new UsageError('choose one of --csv and --json');
  if (options.csv) return exportCsv(ctx.databaseUrl, quarter, options.quiet);

  const report = await inSnapshot(ctx.databaseUrl, (db) => quarterReport(db, quarter));
  if (options.json) return printJson(report);
  if (!report.statements) {
    process.stdout.write(`no statements for ${quarter} yet: the quarter has not closed, or nobody earned cashback\n`);
    return;
  }
  const users = (n: number) => `${n} ${n === 1 ? 'user' : 'users'}`;
  printPairs([
    ['quarter', quarter],
    ['statements', report.statements],
    ['paid', `${formatEuros(report.paid.cents)} to ${users(report.paid.users)}`],
    ['average paid', report.paid.users ? formatEuros(Math.round(report.paid.cents / report.paid.users)) : '—'],
    ['pending', `${formatEuros(report.pending.cents)} for ${users(report.pending.users)}`],
    ['failed payouts', `${formatEuros(report.failed.cents)} for ${users(report.failed.users)}`],
    ['carried forward', `${formatHundredths(report.carriedForward.amount)} for ${users(report.carriedForward.users)}`],
    ['forfeited', `${formatHundredths(report.forfeited.amount)} for ${users(report.forfeited.users)}`],
    [
      'clawbacks outstanding',
      `${formatHundredths(report.clawbacksOutstanding.amount)} for ${users(report.clawbacksOutstanding.users)}`,
    ],
    [
      'late-event adjustments',
      `${report.adjustments.months} months of ${users(report.adjustments.users)}: ` +
        `+${formatHundredths(report.adjustments.up)} / ${formatHundredths(report.adjustments.down)}`,
    ],
  ]);
  printTable(
    ['month', 'tier', 'users', 'net spend', 'cashback (exact)'],
    report.tiers.map((t) => [
      t.month,
      `${t.tier} (${t.ratePercent} %, v${t.programVersion})`,
      t.users,
      formatEuros(t.netSpendCents),
      formatHundredths(t.cashback),
    ]),
  );
}

async function exportCsv(databaseUrl: string, quarter: string, quiet?: boolean): Promise<void> {
  // Progress goes to stderr, so stdout stays a clean file; only on a terminal, where someone watches.
  const bar =
    !quiet && process.stderr.isTTY
      ? new SingleBar({ stream: process.stderr, format: 'exporting {value} statement lines', hideCursor: true })
      : undefined;
  bar?.start(0, 0);
  const lines = await exportStatementLines(databaseUrl, quarter, process.stdout, (n) => bar?.update(n));
  bar?.stop();
  if (!quiet) process.stderr.write(`${lines} statement lines for ${quarter}\n`);
}
