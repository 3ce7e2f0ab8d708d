// After the faults: every user paid exactly once, the ledger's sum equal to the domain's, no workflow failed or stuck,
// no payment lost, and `reconcile` clean. Each violation names the user and the amounts.
import type { Client } from '@temporalio/client';
import type { CashbackClient } from '../src/client/cashback-client.ts';
import { roundHalfUpToCents } from '../src/domain/money.ts';
import { monthCashback, versionFor } from '../src/domain/program.ts';
import { PROGRAM } from '../src/domain/program-versions.ts';
import { runConcurrent } from '../bench/support.ts';
import { inSnapshot } from '../src/db/pg-session.ts';
import { reconcileBooks, reconcileWorkflows } from '../src/finance/reconcile.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { persistently } from './retry.ts';

/** The checks' patience with a server that is still coming back: ≈ 30 s, as before the retry helper was shared. */
const CHECK_ATTEMPTS = 25;
/** How long a workflow may lag its ledger entry: the credit's 10 s timeout and retries backing off towards a minute. */
const SETTLE_MS = 90_000;

export interface Violation {
  userId?: string;
  what: string;
}

export interface BooksInput {
  databaseUrl: string;
  cashback: CashbackClient;
  client: Client;
  /** Each user made one eligible payment of `closedQuarterCents` in `quarter`. */
  users: { userId: string; closedQuarterCents: number }[];
  quarter: string;
  /** Payments each user's workflow must have counted, in all. */
  paymentsEach: number;
}

export async function checkBooks(input: BooksInput) {
  const violations: Violation[] = [];
  // One payment each, in the closed quarter: tier 1 of the version in force for it (the chaos run changes only grace).
  const version = versionFor(PROGRAM, input.quarter);
  const expected = new Map(
    input.users.map((u) => [u.userId, roundHalfUpToCents(monthCashback(version, 1, u.closedQuarterCents))]),
  );
  const prefix = input.users[0]?.userId.replace(/-\d+$/, '-') ?? '';

  // Ledger and statements in one snapshot.
  const { ledger, statements } = await persistently(
    () =>
      inSnapshot(input.databaseUrl, async (db) => ({
        ledger: (
          await db.query<{ user_id: string; entries: string; cents: string }>(
            `select user_id, count(*) as entries, sum(amount_cents) as cents from ledger_entry
            where user_id like $1 and quarter = $2 group by user_id`,
            [`${prefix}%`, input.quarter],
          )
        ).rows,
        statements: (
          await db.query<{ user_id: string; payout_status: string; paid_cents: string }>(
            `select user_id, payout_status, paid_cents from quarter_statement where user_id like $1 and quarter = $2`,
            [`${prefix}%`, input.quarter],
          )
        ).rows,
      })),
    CHECK_ATTEMPTS,
  );
  const ledgerOf = new Map(ledger.map((l) => [l.user_id, l]));
  const statementOf = new Map(statements.map((s) => [s.user_id, s]));
  let paidCents = 0;
  for (const [userId, cents] of expected) {
    const entry = ledgerOf.get(userId);
    const statement = statementOf.get(userId);
    if (!entry) violations.push({ userId, what: `not paid (expected ${cents} cents)` });
    else if (Number(entry.entries) !== 1) violations.push({ userId, what: `paid ${entry.entries} times` });
    else if (Number(entry.cents) !== cents)
      violations.push({ userId, what: `paid ${entry.cents} cents, expected ${cents}` });
    if (!statement || statement.payout_status !== 'paid' || Number(statement.paid_cents) !== cents)
      violations.push({
        userId,
        what: `statement ${statement?.payout_status ?? 'missing'}, ${statement?.paid_cents ?? 0} cents`,
      });
    paidCents += Number(entry?.cents ?? 0);
  }
  const expectedCents = [...expected.values()].reduce((a, b) => a + b, 0);
  if (paidCents !== expectedCents)
    violations.push({ what: `the ledger sums to ${paidCents} cents; the domain computes ${expectedCents}` });

  // Workflows: none failed, terminated or timed out; each answers, has counted every payment, has nothing pending.
  const closed = await input.client.workflow.count(
    `WorkflowId STARTS_WITH "cashback-${prefix}" AND ExecutionStatus IN ("Failed", "Terminated", "TimedOut", "Canceled")`,
  );
  if (closed.count > 0) violations.push({ what: `${closed.count} workflow runs failed, were terminated or timed out` });
  // The ledger leads the workflows: a credit commits, then its completion reaches Temporal. A server restart can drop
  // that completion, and the activity runs again after its timeout (a no-op against the ledger's key), so each user
  // gets until SETTLE_MS to show the payout and nothing pending.
  const settleBy = Date.now() + SETTLE_MS;
  await runConcurrent(input.users.length, 8, async (i) => {
    const { userId } = input.users[i]!;
    for (;;) {
      const problems: Violation[] = [];
      const status = await persistently(() => input.cashback.getStatus(userId), CHECK_ATTEMPTS);
      if (status.counters.payments !== input.paymentsEach)
        problems.push({ userId, what: `counted ${status.counters.payments} payments of ${input.paymentsEach}` });
      if (status.lastPaidQuarter !== input.quarter)
        problems.push({ userId, what: `last paid quarter ${status.lastPaidQuarter ?? 'none'}` });
      const description = await persistently(
        () => input.client.workflow.getHandle(`cashback-${userId}`).describe(),
        CHECK_ATTEMPTS,
      );
      const pending = description.raw.pendingActivities?.length ?? 0;
      if (pending > 0) problems.push({ userId, what: `stuck: ${pending} activities pending` });
      if (!problems.length || Date.now() > settleBy) return void violations.push(...problems);
      await sleep(1_000);
    }
  });

  // And the finance team's own check: `reconcile` over the quarter's books and workflows finds nothing.
  const books = await persistently(
    () => inSnapshot(input.databaseUrl, (db) => reconcileBooks(db, input.quarter)),
    CHECK_ATTEMPTS,
  );
  const workflows = await persistently(
    () => reconcileWorkflows(input.cashback.lastPaidQuarters(), input.quarter, books.paidUsers),
    CHECK_ATTEMPTS,
  );
  for (const v of [...books.violations, ...workflows.violations])
    violations.push({ userId: v.userId, what: `reconcile: ${v.check}: ${v.detail}` });
  return { paidCents, expectedCents, violations, reconciledTransfers: books.summary.transfers };
}
