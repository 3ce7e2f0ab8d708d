// The credit activity against the real PostgreSQL ledger: one key, one entry, whatever the retries.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPayoutActivities } from '../../src/activities/payout-activities.ts';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.ts';
import { SeqrAccount } from '../../src/db/entities/seqr-account.ts';
import { openOrm } from '../../src/db/orm.ts';
import { inActivity as run, ownDatabase, payableStatement } from '../support/books.ts';

// A database of its own: these credits have no statements, which the shared database's reconciliation would report.
const database = ownDatabase();
const statementFor = (userId: string) => payableStatement(userId, 250);

describe('creditSeqrAccount', () => {
  it('credits once when run twice, and many times at once, with the same key', async () => {
    const activities = createPayoutActivities(database.orm);
    const userId = `idem-${randomUUID().slice(0, 8)}`;
    const request = { userId, quarter: '2027-Q1', amountCents: 1400 };
    const first = await run(() => activities.creditSeqrAccount(request));
    const second = await run(() => activities.creditSeqrAccount(request));
    const storm = await Promise.all(Array.from({ length: 8 }, () => run(() => activities.creditSeqrAccount(request))));
    expect(first).toMatchObject({ alreadyCredited: false, idempotencyKey: `cashback:${userId}:2027-Q1` });
    expect(second).toEqual({ ...first, alreadyCredited: true });
    expect(storm.every((r) => r.ledgerEntryId === first.ledgerEntryId && r.alreadyCredited)).toBe(true);
    const em = database.orm.em.fork();
    expect(await em.count(LedgerEntry, { userId })).toBe(1);
    expect((await em.findOneOrFail(SeqrAccount, { userId })).balanceCents).toBe(1400);
  });

  it('settles once when attempts race for a user whose account does not exist yet', async () => {
    const activities = createPayoutActivities(database.orm);
    const userId = `race-${randomUUID().slice(0, 8)}`;
    const results = await Promise.all(
      Array.from({ length: 8 }, () => run(() => activities.settleQuarter(statementFor(userId)))),
    );
    expect(new Set(results.map((r) => r.ledgerEntryId)).size).toBe(1);
    expect(results.filter((r) => !r.alreadyCredited)).toHaveLength(1);
    const em = database.orm.em.fork();
    expect(await em.count(LedgerEntry, { userId })).toBe(1);
    expect((await em.findOneOrFail(SeqrAccount, { userId })).balanceCents).toBe(250);
  });

  it('needs one pool connection per payout, so payouts never starve the pool (a pool of one still pays)', async () => {
    const small = await openOrm(database.url, { poolMax: 1 });
    try {
      const activities = createPayoutActivities(small);
      const users = Array.from({ length: 3 }, (_, i) => `pool-${i}-${randomUUID().slice(0, 6)}`);
      const payouts = (async () => {
        for (const userId of users) {
          await run(() => activities.saveStatement(statementFor(userId)));
          await run(() => activities.creditSeqrAccount({ userId, quarter: '2027-Q1', amountCents: 250 }));
        }
      })();
      const timeout = new Promise((_, reject) =>
        setTimeout(() => reject(new Error('payouts stalled: an activity waits for a second pool connection')), 10_000),
      );
      await Promise.race([payouts, timeout]);
      expect(await database.orm.em.fork().count(LedgerEntry, { userId: { $in: users } })).toBe(users.length);
    } finally {
      await small.close();
    }
  });

  it('refuses a blocked account with a non-retryable AccountUnavailable error, and moves no money', async () => {
    const activities = createPayoutActivities(database.orm);
    const userId = `idem-${randomUUID().slice(0, 8)}`;
    await database.orm.em
      .fork()
      .getConnection()
      .execute("insert into seqr_account (user_id, status) values (?, 'closed')", [userId]);
    await expect(
      run(() => activities.creditSeqrAccount({ userId, quarter: '2027-Q1', amountCents: 500 })),
    ).rejects.toMatchObject({
      type: 'AccountUnavailable',
      nonRetryable: true,
      message: `Seqr Account of ${userId} is closed`,
    });
    expect(await database.orm.em.fork().count(LedgerEntry, { userId })).toBe(0);
  });
});
