// `demo`: replays the program's worked example for a new user on the running engine and shows the €14.00 credit.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { formatEuros, splitCents } from '../../domain/money.ts';
import { quarterPayoutInstant } from '../../domain/program.ts';
import { PROGRAM } from '../../domain/program-versions.ts';
import { payoutIdempotencyKey } from '../../domain/statement.ts';
import { LedgerEntry } from '../../db/entities/ledger-entry.ts';
import { workflowIdFor } from '../../workflows/definitions.ts';
import type { CliContext } from '../context.ts';
import { printJson } from '../output.ts';
import { statementCommand } from './statements.ts';

export async function demoCommand(ctx: CliContext, options: { json?: boolean; timeout: string }): Promise<void> {
  const zone = PROGRAM.timeZone;
  // The latest Q1 whose payout instant has passed, so the engine closes and pays it at once.
  let year = DateTime.now().setZone(zone).year;
  const windowMs = ctx.env.PAYOUT_WINDOW_HOURS * 3_600_000; // every user of that Q1 is paid once the whole window passed
  if (Date.now() < quarterPayoutInstant(PROGRAM, `${year}-Q1`) + windowMs) year -= 1;
  const quarter = `${year}-Q1`;
  const userId = `demo-${randomUUID().slice(0, 8)}`;
  const at = (month: number) => DateTime.fromObject({ year, month, day: 15, hour: 12 }, { zone }).toISO()!;
  const months: [number, number, number][] = [
    [1, 1, 10_000],
    [2, 12, 20_000],
    [3, 22, 30_000],
  ];
  const events = months.flatMap(([month, count, total]) =>
    splitCents(total, count).map((cents, i) => ({
      type: 'payment' as const,
      event: {
        paymentId: `${userId}-${month}-${i + 1}`,
        userId,
        amount: { cents, currency: 'EUR' },
        kind: 'in_store',
        fundingAccount: 'seqr_account',
        occurredAt: at(month),
      },
    })),
  );
  const cashback = await ctx.cashback();
  if (!options.json)
    process.stdout.write(
      `demo user ${userId}: replaying ${events.length} payments of ${quarter} ` +
        '(1 × €100 in January, 12 for €200 in February, 22 for €300 in March)\n',
    );
  await cashback.importHistory(userId, quarter, events);

  const em = (await ctx.database()).em;
  const deadline = Date.now() + Number(options.timeout) * 1000;
  const credited = () => em.fork().findOne(LedgerEntry, { idempotencyKey: payoutIdempotencyKey(userId, quarter) });
  let entry = await credited();
  while (!entry) {
    if (Date.now() > deadline)
      throw new Error(`no credit after ${options.timeout} s: is the worker running (npm start)?`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    entry = await credited();
  }
  if (options.json) return printJson({ userId, quarter, creditedCents: entry.amountCents, ledgerEntryId: entry.id });
  await statementCommand(ctx, userId, quarter, {});
  process.stdout.write(
    `credited ${formatEuros(entry.amountCents)} to the Seqr Account of ${userId} (ledger entry ${entry.id}); ` +
      `see workflow ${workflowIdFor(userId)} in the Temporal UI\n`,
  );
}
