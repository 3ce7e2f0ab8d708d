// Reconciliation of one quarter: statements against transfers, transfers against their postings, accounts against their
// postings, and (separately) each workflow's last paid quarter against the ledger. Every violation names the user and
// the amount. The books are read in one snapshot.
import type pg from 'pg';
import type { QuarterKey } from '../domain/calendar.ts';
import { payoutIdempotencyKey } from '../domain/statement.ts';

export interface Violation {
  check: string;
  userId?: string;
  cents?: number;
  detail: string;
}

export interface BooksSummary {
  paidStatements: number;
  paidCents: number;
  transfers: number;
  transferredCents: number;
  /** What the funding account has paid out in all quarters (the negative of its balance). */
  fundingPaidOutCents: number;
}

export interface BooksReconciliation {
  summary: BooksSummary;
  violations: Violation[];
  /** Users with a paid statement this quarter, for the workflow check. */
  paidUsers: Set<string>;
}

const num = (value: string | number | null) => Number(value ?? 0);

/** Checks the quarter's books in `db`, which must already be in one snapshot (see inSnapshot). */
export async function reconcileBooks(db: pg.Client, quarter: QuarterKey): Promise<BooksReconciliation> {
  const violations: Violation[] = [];
  await checkStatementsHaveOneTransfer(db, quarter, violations);
  await checkTransfersHavePaidStatements(db, quarter, violations);
  await checkTransfersBalance(db, quarter, violations);
  const fundingPaidOutCents = await checkPostingTotals(db, violations);
  return { ...(await paidInQuarter(db, quarter, fundingPaidOutCents)), violations };
}

/** Every paid statement has exactly one transfer, of the same amount and key, and points at it. */
async function checkStatementsHaveOneTransfer(
  db: pg.Client,
  quarter: QuarterKey,
  violations: Violation[],
): Promise<void> {
  // The key a payout must carry, as the domain builds it: `<prefix><userId><suffix>`.
  const [keyPrefix, keySuffix] = payoutIdempotencyKey('\u0000', quarter).split('\u0000') as [string, string];
  const statements = await db.query<{
    user_id: string;
    paid_cents: string;
    transfers: number;
    transferred: string;
    entry_id: string | null;
    statement_entry_id: string | null;
    key: string | null;
  }>(
    `select s.user_id, s.paid_cents, count(e.id)::int as transfers, coalesce(sum(e.amount_cents), 0) as transferred,
       min(e.id) as entry_id, s.ledger_entry_id as statement_entry_id, min(e.idempotency_key) as key
     from quarter_statement s left join ledger_entry e on e.user_id = s.user_id and e.quarter = s.quarter
     where s.quarter = $1 and s.payout_status = 'paid'
     group by s.user_id, s.paid_cents, s.ledger_entry_id
     having count(e.id) <> 1 or coalesce(sum(e.amount_cents), 0) <> s.paid_cents
       or min(e.id) is distinct from s.ledger_entry_id or min(e.idempotency_key) <> $2 || s.user_id || $3`,
    [quarter, keyPrefix, keySuffix],
  );
  for (const s of statements.rows) {
    const cents = num(s.paid_cents);
    const detail =
      s.transfers !== 1
        ? `paid statement has ${s.transfers} transfers`
        : num(s.transferred) !== cents
          ? `statement paid ${cents} cents, its transfer moved ${s.transferred}`
          : s.entry_id !== s.statement_entry_id
            ? `statement points at ledger entry ${s.statement_entry_id ?? 'none'}, the transfer is ${s.entry_id}`
            : `transfer key ${s.key} is not the payout's key`;
    violations.push({ check: 'statement has one transfer', userId: s.user_id, cents, detail });
  }
}

/** No transfer without a paid statement. */
async function checkTransfersHavePaidStatements(
  db: pg.Client,
  quarter: QuarterKey,
  violations: Violation[],
): Promise<void> {
  const orphans = await db.query<{ id: string; user_id: string; amount_cents: string; status: string | null }>(
    `select e.id, e.user_id, e.amount_cents, s.payout_status as status
     from ledger_entry e left join quarter_statement s on s.user_id = e.user_id and s.quarter = e.quarter
     where e.quarter = $1 and s.payout_status is distinct from 'paid'`,
    [quarter],
  );
  for (const o of orphans.rows)
    violations.push({
      check: 'transfer has a paid statement',
      userId: o.user_id,
      cents: num(o.amount_cents),
      detail: `ledger entry ${o.id} ${o.status ? `has a statement that is ${o.status}` : 'has no statement'}`,
    });
}

/** Each transfer is two legs that sum to zero, the Seqr Account's being the amount (the database enforces it at commit; this proves it held for every row written, including before the constraint existed). */
async function checkTransfersBalance(db: pg.Client, quarter: QuarterKey, violations: Violation[]): Promise<void> {
  const unbalanced = await db.query<{ id: string; user_id: string; amount_cents: string; legs: number; total: string }>(
    `select e.id, e.user_id, e.amount_cents, count(p.id)::int as legs, coalesce(sum(p.amount_cents), 0) as total
     from ledger_entry e left join posting p on p.ledger_entry_id = e.id
     where e.quarter = $1
     group by e.id
     having count(p.id) <> 2 or coalesce(sum(p.amount_cents), 0) <> 0
       or sum(p.amount_cents) filter (where p.account = 'seqr_account' and p.user_id = e.user_id)
          is distinct from e.amount_cents`,
    [quarter],
  );
  for (const u of unbalanced.rows)
    violations.push({
      check: 'transfer is balanced',
      userId: u.user_id,
      cents: num(u.amount_cents),
      detail: `ledger entry ${u.id}: ${u.legs} legs summing to ${u.total} cents`,
    });
}

/** All postings sum to zero; each Seqr Account's balance is the sum of its postings. Returns what the funding account paid out. */
async function checkPostingTotals(db: pg.Client, violations: Violation[]): Promise<number> {
  const totals = await db.query<{ total: string; funding: string }>(
    `select coalesce(sum(amount_cents), 0) as total,
       coalesce(sum(amount_cents) filter (where account = 'cashback_funding'), 0) as funding from posting`,
  );
  const total = num(totals.rows[0]!.total);
  if (total !== 0)
    violations.push({ check: 'postings sum to zero', cents: total, detail: `all postings sum to ${total} cents` });
  const balances = await db.query<{ user_id: string; balance_cents: string; postings: string }>(
    `select a.user_id, a.balance_cents, coalesce(p.cents, 0) as postings
     from seqr_account a left join (
       select user_id, sum(amount_cents) as cents from posting where account = 'seqr_account' group by user_id
     ) p on p.user_id = a.user_id
     where a.balance_cents <> coalesce(p.cents, 0)`,
  );
  for (const b of balances.rows)
    violations.push({
      check: 'balance equals postings',
      userId: b.user_id,
      cents: num(b.balance_cents),
      detail: `balance ${b.balance_cents} cents, postings sum to ${b.postings}`,
    });
  return -num(totals.rows[0]!.funding);
}

/** The quarter's paid statements and transfers, counted and summed. */
async function paidInQuarter(
  db: pg.Client,
  quarter: QuarterKey,
  fundingPaidOutCents: number,
): Promise<Omit<BooksReconciliation, 'violations'>> {
  const transfers = await db.query<{ count: number; cents: string }>(
    'select count(*)::int as count, coalesce(sum(amount_cents), 0) as cents from ledger_entry where quarter = $1',
    [quarter],
  );
  const paid = await db.query<{ user_id: string; paid_cents: string }>(
    `select user_id, paid_cents from quarter_statement where quarter = $1 and payout_status = 'paid'`,
    [quarter],
  );
  return {
    summary: {
      paidStatements: paid.rows.length,
      paidCents: paid.rows.reduce((sum, r) => sum + num(r.paid_cents), 0),
      transfers: transfers.rows[0]!.count,
      transferredCents: num(transfers.rows[0]!.cents),
      fundingPaidOutCents,
    },
    paidUsers: new Set(paid.rows.map((r) => r.user_id)),
  };
}

/**
 * Each workflow's last paid quarter agrees with the ledger: a user paid this quarter has a running workflow that has
 * recorded a payout of this quarter or later, and a workflow whose last payout is this quarter has its transfer.
 */
export async function reconcileWorkflows(
  workflows: AsyncIterable<{ userId: string; lastPaidQuarter: string | undefined }>,
  quarter: QuarterKey,
  paidUsers: Set<string>,
): Promise<{ workflows: number; violations: Violation[] }> {
  const violations: Violation[] = [];
  const unseen = new Set(paidUsers);
  let count = 0;
  for await (const { userId, lastPaidQuarter } of workflows) {
    count++;
    unseen.delete(userId);
    const recordedThisOrLater = lastPaidQuarter !== undefined && lastPaidQuarter >= quarter;
    if (paidUsers.has(userId) && !recordedThisOrLater)
      violations.push({
        check: 'workflow agrees with the ledger',
        userId,
        detail: `the ledger paid ${quarter}; the workflow's last paid quarter is ${lastPaidQuarter ?? 'none'}`,
      });
    if (lastPaidQuarter === quarter && !paidUsers.has(userId))
      violations.push({
        check: 'workflow agrees with the ledger',
        userId,
        detail: `the workflow recorded ${quarter} as paid; the ledger has no paid statement for it`,
      });
  }
  for (const userId of unseen)
    violations.push({
      check: 'workflow agrees with the ledger',
      userId,
      detail: `paid in ${quarter} but no running workflow`,
    });
  return { workflows: count, violations };
}
