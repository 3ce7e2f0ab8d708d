// The finance modules on their own, against a real PostgreSQL: the quarter report and the books check read what the
// payout activity wrote, in one snapshot (the CLI tests run the same modules through `report` and `reconcile`).
import { describe, expect, it } from 'vitest';
import { createPayoutActivities } from '../../src/activities/payout-activities.ts';
import { inSnapshot, withSession } from '../../src/db/pg-session.ts';
import { reconcileBooks } from '../../src/finance/reconcile.ts';
import { quarterReport } from '../../src/finance/report.ts';
import { inActivity, ownDatabase, payableStatement } from '../support/books.ts';

const quarter = '2027-Q1';
const database = ownDatabase();

describe('finance', () => {
  it('reports the paid users and finds the books clean, then names a hand-edited balance', async () => {
    const activities = createPayoutActivities(database.orm);
    for (const [userId, cents] of [
      ['fin-a', 1_400],
      ['fin-b', 250],
    ] as const)
      await inActivity(() => activities.settleQuarter(payableStatement(userId, cents, quarter)));

    const { report, books } = await inSnapshot(database.url, async (db) => ({
      report: await quarterReport(db, quarter),
      books: await reconcileBooks(db, quarter),
    }));
    expect(report).toMatchObject({
      quarter,
      statements: 2,
      paid: { users: 2, cents: 1_650 },
      pending: { users: 0, cents: 0 },
      failed: { users: 0, cents: 0 },
    });
    expect(books.violations).toEqual([]);
    expect(books.summary).toMatchObject({ paidStatements: 2, paidCents: 1_650, transfers: 2, transferredCents: 1_650 });
    expect([...books.paidUsers].sort()).toEqual(['fin-a', 'fin-b']);

    await withSession(database.url, (db) =>
      db.query(`update seqr_account set balance_cents = 1 where user_id = 'fin-b'`),
    );
    const broken = await inSnapshot(database.url, (db) => reconcileBooks(db, quarter));
    expect(broken.violations.map((v) => v.userId)).toEqual(['fin-b']);
  });
});
