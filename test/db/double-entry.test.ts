// The ledger is double-entry: every payout is a balanced transfer from the funding account to the user's Seqr Account,
// with one outbox row; the database itself refuses an unbalanced transfer and any edit of the books.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPayoutActivities } from '../../src/activities/payout-activities.ts';
import { inSnapshot, withSession } from '../../src/db/pg-session.ts';
import { inActivity as run, ownDatabase } from '../support/books.ts';

// A database of its own: these transfers are written by hand, without statements.
const database = ownDatabase();

/** A ledger entry written by hand, with the given legs, in one transaction. */
async function writeTransfer(legs: { account: string; userId: string | null; cents: number }[]): Promise<void> {
  const userId = `hand-${randomUUID().slice(0, 8)}`;
  await withSession(database.url, async (db) => {
    await db.query('begin');
    try {
      await db.query('insert into seqr_account (user_id) values ($1)', [userId]);
      const entry = await db.query<{ id: string }>(
        `insert into ledger_entry (idempotency_key, user_id, quarter, amount_cents, description)
         values ($1, $2, '2027-Q1', 500, 'by hand') returning id`,
        [`hand:${userId}`, userId],
      );
      for (const leg of legs)
        await db.query(
          'insert into posting (ledger_entry_id, account, user_id, amount_cents) values ($1, $2, $3, $4)',
          [entry.rows[0]!.id, leg.account, leg.userId === null ? null : userId, leg.cents],
        );
      await db.query('commit');
    } catch (error) {
      await db.query('rollback');
      throw error;
    }
  });
}

describe('double-entry ledger', () => {
  it('posts each payout as a balanced transfer with one outbox row; the cached balance equals the postings', async () => {
    const activities = createPayoutActivities(database.orm);
    const userId = `de-${randomUUID().slice(0, 8)}`;
    const quarters = ['2027-Q1', '2027-Q2', '2027-Q3'];
    for (const [i, quarter] of quarters.entries()) {
      const request = { userId, quarter, amountCents: 100 * (i + 1) };
      // Retried and concurrent credits: still one transfer per quarter.
      await Promise.all([1, 2, 3].map(() => run(() => activities.creditSeqrAccount(request))));
    }
    const books = await inSnapshot(database.url, async (db) => ({
      legs: (
        await db.query<{ quarter: string; account: string; user_id: string | null; amount_cents: string }>(
          `select e.quarter, p.account, p.user_id, p.amount_cents from posting p join ledger_entry e
           on e.id = p.ledger_entry_id where e.user_id = $1 order by e.quarter, p.account`,
          [userId],
        )
      ).rows,
      balance: (await db.query('select balance_cents from seqr_account where user_id = $1', [userId])).rows[0]
        .balance_cents,
      notifications: (
        await db.query<{ id: string; amount_cents: string }>(
          'select id, amount_cents from payout_notification where user_id = $1 order by quarter',
          [userId],
        )
      ).rows,
    }));
    expect(books.legs).toEqual(
      quarters.flatMap((quarter, i) => [
        { quarter, account: 'cashback_funding', user_id: null, amount_cents: String(-100 * (i + 1)) },
        { quarter, account: 'seqr_account', user_id: userId, amount_cents: String(100 * (i + 1)) },
      ]),
    );
    expect(Number(books.balance)).toBe(600);
    expect(Number(books.balance)).toBe(
      books.legs.filter((l) => l.account === 'seqr_account').reduce((sum, l) => sum + Number(l.amount_cents), 0),
    );
    expect(books.notifications).toEqual(
      quarters.map((quarter, i) => ({ id: `cashback:${userId}:${quarter}`, amount_cents: String(100 * (i + 1)) })),
    );
  });

  it('refuses, at commit, a transfer whose legs do not balance or that has only one leg', async () => {
    await expect(
      writeTransfer([
        { account: 'cashback_funding', userId: null, cents: -400 },
        { account: 'seqr_account', userId: 'user', cents: 500 },
      ]),
    ).rejects.toThrow(/unbalanced transfer/);
    await expect(writeTransfer([{ account: 'seqr_account', userId: 'user', cents: 500 }])).rejects.toThrow(
      /unbalanced transfer/,
    );
    await expect(writeTransfer([])).rejects.toThrow(/unbalanced transfer/);
    // The balanced one is accepted: the check refuses exactly the unbalanced.
    await expect(
      writeTransfer([
        { account: 'cashback_funding', userId: null, cents: -500 },
        { account: 'seqr_account', userId: 'user', cents: 500 },
      ]),
    ).resolves.toBeUndefined();
  });

  it('refuses any edit or deletion of a ledger entry or a posting: corrections are new transfers', async () => {
    const activities = createPayoutActivities(database.orm);
    const userId = `de-${randomUUID().slice(0, 8)}`;
    await run(() => activities.creditSeqrAccount({ userId, quarter: '2027-Q1', amountCents: 250 }));
    await withSession(database.url, async (db) => {
      for (const sql of [
        'update posting set amount_cents = 1 where user_id = $1',
        'delete from posting where user_id = $1',
        'update ledger_entry set amount_cents = 1 where user_id = $1',
        'delete from ledger_entry where user_id = $1',
      ])
        await expect(db.query(sql, [userId]), sql).rejects.toThrow(/append-only/);
    });
  });
});
