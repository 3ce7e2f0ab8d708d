// A quarter for finance: what was paid, to how many users, at which tiers; what was carried, forfeited, clawed back,
// failed or adjusted. Aggregated by PostgreSQL from the statements, read in one snapshot.
import type pg from 'pg';
import type { QuarterKey } from '../domain/calendar.ts';
import type { Cents, Hundredths } from '../domain/money.ts';

export interface TierRow {
  month: string;
  /** The program version in force for the month: it set the tiers. */
  programVersion: number;
  tier: number;
  ratePercent: number;
  users: number;
  netSpendCents: Cents;
  cashback: Hundredths;
}

export interface QuarterReport {
  quarter: QuarterKey;
  statements: number;
  paid: { users: number; cents: Cents };
  /** Payable but not yet credited (the payout is running or waiting for its retry). */
  pending: { users: number; cents: Cents };
  failed: { users: number; cents: Cents };
  /** Below the minimum: carried into the next quarter (exact). */
  carriedForward: { users: number; amount: Hundredths };
  forfeited: { users: number; amount: Hundredths };
  /** Negative balances carried out: they reduce these users' future cashback. */
  clawbacksOutstanding: { users: number; amount: Hundredths };
  /** Months of earlier quarters recomputed because late events landed in them. */
  adjustments: { months: number; users: number; up: Hundredths; down: Hundredths };
  /** Users by the tier they reached in each month of the quarter. */
  tiers: TierRow[];
}

const num = (value: unknown) => Number(value ?? 0);

export async function quarterReport(db: pg.Client, quarter: QuarterKey): Promise<QuarterReport> {
  const totals = (
    await db.query(
      `select count(*) as statements,
         count(*) filter (where payout_status = 'paid') as paid_users,
         coalesce(sum(paid_cents) filter (where payout_status = 'paid'), 0) as paid_cents,
         count(*) filter (where payout_status = 'pending') as pending_users,
         coalesce(sum((statement ->> 'payableCents')::bigint) filter (where payout_status = 'pending'), 0)
           as pending_cents,
         count(*) filter (where payout_status = 'failed') as failed_users,
         coalesce(sum((statement ->> 'payableCents')::bigint) filter (where payout_status = 'failed'), 0)
           as failed_cents,
         count(*) filter (where (statement ->> 'carriedOut')::bigint > 0) as carried_users,
         coalesce(sum((statement ->> 'carriedOut')::bigint) filter (where (statement ->> 'carriedOut')::bigint > 0), 0)
           as carried,
         count(*) filter (where (statement ->> 'forfeited')::bigint > 0) as forfeited_users,
         coalesce(sum((statement ->> 'forfeited')::bigint), 0) as forfeited,
         count(*) filter (where (statement ->> 'carriedOut')::bigint < 0) as clawback_users,
         coalesce(sum((statement ->> 'carriedOut')::bigint) filter (where (statement ->> 'carriedOut')::bigint < 0), 0)
           as clawbacks
       from quarter_statement where quarter = $1`,
      [quarter],
    )
  ).rows[0];
  const adjustments = (
    await db.query(
      `select count(*) as months, count(distinct s.user_id) as users,
         coalesce(sum((a ->> 'delta')::bigint) filter (where (a ->> 'delta')::bigint > 0), 0) as up,
         coalesce(sum((a ->> 'delta')::bigint) filter (where (a ->> 'delta')::bigint < 0), 0) as down
       from quarter_statement s, jsonb_array_elements(s.statement -> 'adjustments') a
       where s.quarter = $1`,
      [quarter],
    )
  ).rows[0];
  const tiers = await db.query(
    `select l ->> 'month' as month, coalesce((l ->> 'programVersion')::int, 1) as version,
       (l ->> 'tier')::int as tier, (l ->> 'ratePercent')::int as rate,
       count(*) as users, sum((l ->> 'netSpendCents')::bigint) as spend, sum((l ->> 'cashback')::bigint) as cashback
     from quarter_statement s, jsonb_array_elements(s.statement -> 'lines') l
     where s.quarter = $1
     group by 1, 2, 3, 4 order by 1, 3`,
    [quarter],
  );
  return {
    quarter,
    statements: num(totals.statements),
    paid: { users: num(totals.paid_users), cents: num(totals.paid_cents) },
    pending: { users: num(totals.pending_users), cents: num(totals.pending_cents) },
    failed: { users: num(totals.failed_users), cents: num(totals.failed_cents) },
    carriedForward: { users: num(totals.carried_users), amount: num(totals.carried) },
    forfeited: { users: num(totals.forfeited_users), amount: num(totals.forfeited) },
    clawbacksOutstanding: { users: num(totals.clawback_users), amount: num(totals.clawbacks) },
    adjustments: {
      months: num(adjustments.months),
      users: num(adjustments.users),
      up: num(adjustments.up),
      down: num(adjustments.down),
    },
    tiers: tiers.rows.map((r) => ({
      month: r.month,
      programVersion: r.version,
      tier: r.tier,
      ratePercent: r.rate,
      users: num(r.users),
      netSpendCents: num(r.spend),
      cashback: num(r.cashback),
    })),
  };
}
