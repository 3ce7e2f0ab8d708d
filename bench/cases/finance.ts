// Finance: `reconcile` over a quarter of 10,000 paid users (target ≤ 10 s), and `report --csv` over 100,000 and
// 1,000,000 statements: its peak memory must not grow with the count. The books are written by SQL in the shape the
// payout writes them (statement, ledger entry, two legs, outbox row), passing the database's balance check.
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../context.ts';
import { measureProcess, row, type Row } from '../support.ts';

const cli = fileURLToPath(new URL('../../src/bin/cli.ts', import.meta.url));

/** A statement like the engine's: three months, the total paid or carried. */
const STATEMENT = `jsonb_build_object(
  'userId', u.user_id, 'quarter', $2::text, 'programVersion', 1, 'closedAt', '2031-04-04T00:00:00.000Z',
  'lines', jsonb_build_array(
    jsonb_build_object('month', left($2, 4) || '-01', 'programVersion', 1, 'eligiblePayments', 3, 'netSpendCents', u.cents * 20,
      'tier', 1, 'ratePercent', 1, 'cashback', u.cents * 20),
    jsonb_build_object('month', left($2, 4) || '-02', 'programVersion', 1, 'eligiblePayments', 12, 'netSpendCents', u.cents * 20,
      'tier', 2, 'ratePercent', 2, 'cashback', u.cents * 40),
    jsonb_build_object('month', left($2, 4) || '-03', 'programVersion', 1, 'eligiblePayments', 22, 'netSpendCents', u.cents * 20,
      'tier', 3, 'ratePercent', 3, 'cashback', u.cents * 40)),
  'adjustments', '[]'::jsonb, 'carriedIn', 0, 'total', u.cents * 100, 'roundedCents', u.cents,
  'payableCents', u.cents, 'carriedOut', 0, 'forfeited', 0, 'minimumPolicy', 'carry-forward', 'outcome', 'payable')`;

/** `count` users paid in `quarter`, each with a balanced transfer and an outbox row. */
async function paidQuarter(ctx: BenchContext, quarter: string, count: number): Promise<void> {
  await ctx.pool.query(
    `with u as (
       select $3 || g as user_id, 100 + g % 900 as cents from generate_series(1, $1::int) g),
     accounts as (insert into seqr_account (user_id, balance_cents) select user_id, cents from u),
     entries as (
       insert into ledger_entry (idempotency_key, user_id, quarter, amount_cents, description)
       select 'cashback:' || user_id || ':' || $2, user_id, $2, cents, 'Seqr cashback ' || $2 from u
       returning id, user_id, amount_cents),
     legs as (
       insert into posting (ledger_entry_id, account, user_id, amount_cents)
       select id, 'cashback_funding', null, -amount_cents from entries
       union all select id, 'seqr_account', user_id, amount_cents from entries),
     outbox as (
       insert into payout_notification (id, user_id, quarter, amount_cents, ledger_entry_id)
       select 'cashback:' || user_id || ':' || $2, user_id, $2, amount_cents, id from entries)
     insert into quarter_statement (user_id, quarter, program_version, payout_status, paid_cents, ledger_entry_id,
       statement)
     select u.user_id, $2, 1, 'paid', u.cents, e.id, ${STATEMENT} from u join entries e on e.user_id = u.user_id`,
    [count, quarter, `fin-${ctx.tag}-${quarter}-`],
  );
}

/** `count` statements of `quarter` (below the minimum: no transfer), for the export. */
async function statementsOnly(ctx: BenchContext, quarter: string, count: number): Promise<void> {
  await ctx.pool.query(
    `insert into quarter_statement (user_id, quarter, program_version, payout_status, paid_cents, statement)
     select u.user_id, $2, 1, 'below_minimum', 0, ${STATEMENT}
     from (select $3 || g as user_id, 1 + g % 99 as cents from generate_series(1, $1::int) g) u`,
    [count, quarter, `exp-${ctx.tag}-${quarter}-`],
  );
}

export async function finance(ctx: BenchContext): Promise<Row[]> {
  const env = { DATABASE_URL: ctx.databaseUrl };
  const users = 10_000;
  ctx.log(`finance: writing the books of ${users} paid users`);
  await paidQuarter(ctx, '2031-Q1', users);
  await ctx.pool.query('analyze');
  // The books only: the workflows' side is timed after the storm, where the workflows are real.
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await measureProcess([cli, 'reconcile', '2031-Q1', '--no-workflows'], env));
  const reconcileSeconds = runs.map((r) => r.seconds).sort((a, b) => a - b)[1]!;

  const [small, large] = ctx.quick ? [10_000, 100_000] : [100_000, 1_000_000];
  ctx.log(`finance: writing ${small} and ${large} statements for the export`);
  await statementsOnly(ctx, '2031-Q2', small);
  await statementsOnly(ctx, '2031-Q3', large);
  await ctx.pool.query('analyze');
  const exportOf = (quarter: string) => measureProcess([cli, 'report', quarter, '--csv', '--quiet'], env);
  ctx.log(`finance: exporting ${small} statements`);
  const smallExport = await exportOf('2031-Q2');
  ctx.log(`finance: exporting ${large} statements`);
  const largeExport = await exportOf('2031-Q3');
  return [
    row({
      case: 'finance',
      metric: `reconcile, books of ${users} users`,
      value: reconcileSeconds,
      unit: 's',
      note: `median of 3, the CLI process end to end; target ≤ 10 s`,
    }),
    row({
      case: 'finance',
      metric: `report --csv, peak RSS at ${large} statements`,
      value: largeExport.peakMiB,
      unit: 'MiB',
      baseline: { name: `the same at ${small}`, value: smallExport.peakMiB },
      note: `${(large / largeExport.seconds).toFixed(0)} lines/s (${largeExport.seconds.toFixed(1)} s); ${(small / smallExport.seconds).toFixed(0)} lines/s at ${small}`,
    }),
  ];
}
