// `notifications [--all]`: the payout outbox. Waiting rows first (never delivered, with their attempts and last error);
// with --all, delivered ones too.
import { formatEuros } from '../../domain/money.ts';
import { inSnapshot } from '../../db/pg-session.ts';
import type { CliContext } from '../context.ts';
import { printJson, printPairs, printTable, UsageError } from '../output.ts';

interface Row {
  id: string;
  userId: string;
  quarter: string;
  amountCents: number;
  ledgerEntryId: number;
  createdAt: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  deliveredAt: string | null;
}

export async function notificationsCommand(
  ctx: CliContext,
  options: { all?: boolean; json?: boolean; limit: string },
): Promise<void> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a whole number ≥ 1');
  const { counts, rows } = await inSnapshot(ctx.databaseUrl, async (db) => ({
    counts: (
      await db.query<{ waiting: number; delivered: number; failing: number }>(
        `select count(*) filter (where delivered_at is null)::int as waiting,
           count(*) filter (where delivered_at is not null)::int as delivered,
           count(*) filter (where delivered_at is null and attempts > 0)::int as failing
         from payout_notification`,
      )
    ).rows[0]!,
    rows: (
      await db.query<Row>(
        `select id, user_id as "userId", quarter, amount_cents::int as "amountCents",
           ledger_entry_id::int as "ledgerEntryId", created_at as "createdAt", attempts,
           case when delivered_at is null then next_attempt_at end as "nextAttemptAt", last_error as "lastError",
           delivered_at as "deliveredAt"
         from payout_notification ${options.all ? '' : 'where delivered_at is null'}
         order by delivered_at is not null, created_at, id limit $1`,
        [limit],
      )
    ).rows,
  }));
  if (options.json) return printJson({ ...counts, notifications: rows });
  printPairs([
    ['waiting', `${counts.waiting}${counts.failing ? ` (${counts.failing} after failed attempts)` : ''}`],
    ['delivered', counts.delivered],
  ]);
  if (!rows.length) return;
  printTable(
    ['id', 'amount', 'created', 'attempts', options.all ? 'delivered / next attempt' : 'next attempt', 'last error'],
    rows.map((r) => [
      r.id,
      formatEuros(r.amountCents),
      new Date(r.createdAt).toISOString(),
      r.attempts,
      r.deliveredAt ? `delivered ${new Date(r.deliveredAt).toISOString()}` : new Date(r.nextAttemptAt!).toISOString(),
      r.lastError ?? '',
    ]),
  );
  const shown = options.all ? counts.waiting + counts.delivered : counts.waiting;
  if (shown > rows.length) process.stdout.write(`… ${shown - rows.length} more (--limit)\n`);
}
