// `reconcile` against a real PostgreSQL: clean books exit 0; each kind of broken book is reported with its user and
// amount, and exits 1. The broken books are written by hand, as a bug or a manual fix would write them.
import { describe, expect, it } from 'vitest';
import { createPayoutActivities } from '../../src/activities/payout-activities.ts';
import { withSession } from '../../src/db/pg-session.ts';
import { inActivity, ownDatabase, payableStatement } from '../support/books.ts';
import { reconcileWithCli } from '../support/reconcile.ts';

const quarter = '2027-Q1';
const database = ownDatabase();

const settle = (userId: string, cents: number) =>
  inActivity(() => createPayoutActivities(database.orm).settleQuarter(payableStatement(userId, cents, quarter)));

const reconcile = () => reconcileWithCli(quarter, { DATABASE_URL: database.url }, ['--no-workflows']);

describe('reconcile', () => {
  it('exits 0 on books written by the payout activity, and 1 with each violation, its user and amount', async () => {
    for (let i = 0; i < 20; i++) await settle(`rec-ok-${i}`, 100 + i);
    const clean = await reconcile();
    expect(clean).toMatchObject({ code: 0, clean: true, paidStatements: 20, transfers: 20, violations: [] });
    expect(clean.transferredCents).toBe(20 * 100 + 190);

    await settle('rec-cache', 300);
    await withSession(database.url, async (db) => {
      // A statement marked paid with no transfer behind it.
      await db.query(
        `insert into quarter_statement (user_id, quarter, program_version, payout_status, paid_cents, statement)
         values ('rec-no-transfer', $1, 1, 'paid', 700, $2)`,
        [quarter, JSON.stringify(payableStatement('rec-no-transfer', 700, quarter))],
      );
      // A balanced transfer with no statement.
      await db.query('begin');
      await db.query("insert into seqr_account (user_id) values ('rec-orphan')");
      const entry = await db.query<{ id: string }>(
        `insert into ledger_entry (idempotency_key, user_id, quarter, amount_cents, description)
         values ('cashback:rec-orphan:2027-Q1', 'rec-orphan', $1, 900, 'by hand') returning id`,
        [quarter],
      );
      await db.query(
        `insert into posting (ledger_entry_id, account, user_id, amount_cents)
         values ($1, 'cashback_funding', null, -900), ($1, 'seqr_account', 'rec-orphan', 900)`,
        [entry.rows[0]!.id],
      );
      await db.query(`update seqr_account set balance_cents = 900 where user_id = 'rec-orphan'`);
      await db.query('commit');
      // A statement whose paid amount disagrees with its transfer, and a cached balance edited by hand.
      await db.query(`update quarter_statement set paid_cents = 301 where user_id = 'rec-cache'`);
      await db.query(`update seqr_account set balance_cents = 1 where user_id = 'rec-ok-3'`);
    });
    const broken = await reconcile();
    expect(broken.code).toBe(1);
    expect(broken.clean).toBe(false);
    expect(
      broken.violations
        .map((v) => [v.check, v.userId, v.cents])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    ).toEqual([
      ['statement has one transfer', 'rec-cache', 301],
      ['statement has one transfer', 'rec-no-transfer', 700],
      ['balance equals postings', 'rec-ok-3', 1],
      ['transfer has a paid statement', 'rec-orphan', 900],
    ]);
    expect(broken.violations.find((v) => v.userId === 'rec-cache')?.detail).toBe(
      'statement paid 301 cents, its transfer moved 300',
    );
  });

  it('refuses a malformed quarter with exit 2', async () => {
    const result = await reconcileWithCli('2027-Q5', { DATABASE_URL: database.url }, ['--no-workflows']).catch(
      (error: Error) => error,
    );
    expect(String(result)).toMatch(/exit 2.*quarter/s);
  });
});
