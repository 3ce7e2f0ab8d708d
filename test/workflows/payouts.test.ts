// The engine's rules through the real worker, the time-skipping server and the PostgreSQL ledger.
import { describe, expect, it } from 'vitest';
import { OperatorRequestRejected } from '../../src/client/cashback-client.ts';
import { workflowIdFor } from '../../src/workflows/definitions.ts';
import { PayoutStatus } from '../../src/workflows/search-attributes.ts';
import { eventually, payment, refund, withHarness, type Harness } from '../support/harness.ts';

async function ledgerOnceItHas(h: Harness, user: string, count: number) {
  return eventually(async () => {
    const entries = await h.ledger(user);
    return entries.length >= count ? entries : undefined;
  }, `${count} ledger entries for ${user}`);
}

async function statementOnceClosed(h: Harness, user: string, quarter: string) {
  return eventually(
    () => h.statement(user, quarter).then((row) => row ?? undefined),
    `the ${quarter} statement of ${user}`,
  );
}

/** A user whose 2083-Q1 payout (€3.00) failed on a blocked account; `beforePayout` runs once the account is blocked. */
async function userWithFailedPayout(h: Harness, prefix: string, beforePayout?: (user: string) => Promise<void>) {
  const user = h.newUser(prefix);
  await h.advanceTo('2083-01-10T12:00:00+01:00');
  await h.cashback.recordPayment(payment(user, 30_000, '2083-01-10T12:00:00+01:00'));
  await h.setAccountStatus(user, 'blocked');
  await beforePayout?.(user);
  await h.advanceTo('2083-04-05T00:00:00+02:00');
  await eventually(
    async () => ((await h.statement(user, '2083-Q1'))?.payoutStatus === 'failed' ? true : undefined),
    'the failed payout',
  );
  return user;
}

describe('payouts', () => {
  it('ignores P2P and charity: they neither earn nor count towards the tier', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('kinds');
      await h.advanceTo('2083-01-10T12:00:00+01:00');
      for (let i = 0; i < 11; i++)
        await h.cashback.recordPayment(payment(user, 1000, '2083-01-10T10:00:00+01:00', 'in_store'));
      for (let i = 0; i < 5; i++)
        await h.cashback.recordPayment(payment(user, 50_000, '2083-01-10T10:00:00+01:00', i % 2 ? 'p2p' : 'charity'));
      const status = await h.cashback.getStatus(user);
      expect(status.currentMonth).toMatchObject({
        eligiblePayments: 11,
        tier: 1,
        netSpendCents: 11_000,
        paymentsToNextTier: 1,
      });
      expect(status.counters).toMatchObject({ payments: 16, rejected: 0 });
      await h.advanceTo('2083-04-05T00:00:00+02:00');
      expect(await ledgerOnceItHas(h, user, 1)).toEqual([
        { idempotencyKey: `cashback:${user}:2083-Q1`, quarter: '2083-Q1', amountCents: 110 },
      ]);
    });
  });

  it('carries a below-minimum quarter forward and pays it once the total reaches €1', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('minimum');
      await h.advanceTo('2083-02-01T12:00:00+01:00');
      await h.cashback.recordPayment(payment(user, 5_000, '2083-02-01T12:00:00+01:00'));
      await h.advanceTo('2083-04-05T00:00:00+02:00');
      const q1 = await statementOnceClosed(h, user, '2083-Q1');
      expect(q1.payoutStatus).toBe('below_minimum');
      expect(q1.statement).toMatchObject({
        roundedCents: 50,
        payableCents: 0,
        carriedOut: 5_000,
        outcome: 'below_minimum',
      });
      await h.cashback.recordPayment(payment(user, 6_000, '2083-04-05T00:00:00+02:00'));
      await h.advanceTo('2083-07-05T00:00:00+02:00');
      expect(await ledgerOnceItHas(h, user, 1)).toEqual([
        { idempotencyKey: `cashback:${user}:2083-Q2`, quarter: '2083-Q2', amountCents: 110 },
      ]);
      const q2 = await h.statement(user, '2083-Q2');
      expect(q2?.statement).toMatchObject({ carriedIn: 5_000, total: 11_000, payableCents: 110, carriedOut: 0 });
    });
  });

  it('ignores duplicate payments and refunds, counting them', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('dupes');
      await h.advanceTo('2083-01-10T12:00:00+01:00');
      const first = payment(user, 20_000, '2083-01-10T10:00:00+01:00');
      const second = payment(user, 30_000, '2083-01-10T11:00:00+01:00');
      for (const event of [first, second, first, second, first]) await h.cashback.recordPayment(event);
      const back = refund(user, second.paymentId, 10_000, '2083-01-10T11:30:00+01:00');
      await h.cashback.recordRefund(back);
      await h.env.client.workflow.getHandle(workflowIdFor(user)).signal('refund', back);
      const status = await eventually(async () => {
        const s = await h.cashback.getStatus(user);
        return s.counters.duplicates === 4 ? s : undefined;
      }, 'four duplicates counted');
      expect(status.counters).toMatchObject({ payments: 2, refunds: 1, duplicates: 4, rejected: 0 });
      expect(status.currentMonth).toMatchObject({ eligiblePayments: 2, netSpendCents: 40_000 });
      await h.advanceTo('2083-04-05T00:00:00+02:00');
      expect(await ledgerOnceItHas(h, user, 1)).toEqual([
        { idempotencyKey: `cashback:${user}:2083-Q1`, quarter: '2083-Q1', amountCents: 400 },
      ]);
    });
  });

  it('claws a refund after payout back from the next quarter, never debiting the account', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('clawback');
      await h.advanceTo('2083-01-10T12:00:00+01:00');
      const bought = payment(user, 50_000, '2083-01-10T12:00:00+01:00');
      await h.cashback.recordPayment(bought);
      await h.advanceTo('2083-04-05T00:00:00+02:00');
      await ledgerOnceItHas(h, user, 1);
      await h.advanceTo('2083-05-10T12:00:00+02:00');
      await h.cashback.recordRefund(refund(user, bought.paymentId, 30_000, '2083-05-10T12:00:00+02:00'));
      await h.cashback.recordPayment(payment(user, 100_000, '2083-05-10T12:00:00+02:00'));
      await h.advanceTo('2083-07-05T00:00:00+02:00');
      const ledger = await ledgerOnceItHas(h, user, 2);
      expect(ledger.map((e) => [e.quarter, e.amountCents])).toEqual([
        ['2083-Q1', 500],
        ['2083-Q2', 700],
      ]);
      const q2 = await h.statement(user, '2083-Q2');
      expect(q2?.statement.adjustments).toEqual([
        {
          month: '2083-01',
          programVersion: 1,
          eligiblePayments: 1,
          netSpendCents: 20_000,
          tier: 1,
          previously: 50_000,
          now: 20_000,
          delta: -30_000,
        },
      ]);
    });
  });

  it('pays a late payment for an already paid quarter as an adjustment in the next payout', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('late');
      await h.advanceTo('2083-03-20T12:00:00+01:00');
      await h.cashback.recordPayment(payment(user, 10_000, '2083-03-20T12:00:00+01:00'));
      await h.advanceTo('2083-04-05T00:00:00+02:00');
      await ledgerOnceItHas(h, user, 1);
      await h.advanceTo('2083-05-02T12:00:00+02:00');
      await h.cashback.recordPayment(payment(user, 20_000, '2083-03-30T18:00:00+02:00'));
      await h.advanceTo('2083-07-05T00:00:00+02:00');
      const ledger = await ledgerOnceItHas(h, user, 2);
      expect(ledger.map((e) => [e.quarter, e.amountCents])).toEqual([
        ['2083-Q1', 100],
        ['2083-Q2', 200],
      ]);
      const q2 = await h.statement(user, '2083-Q2');
      expect(q2?.statement.adjustments).toMatchObject([
        { month: '2083-03', eligiblePayments: 2, previously: 10_000, now: 30_000, delta: 20_000 },
      ]);
    });
  });

  it('rejects an event older than the adjustment window and reports it for review', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('window');
      await h.advanceTo('2083-05-02T12:00:00+02:00');
      await h.cashback.recordPayment(payment(user, 10_000, '2083-05-02T12:00:00+02:00'));
      await h.cashback.recordPayment(payment(user, 10_000, '2082-12-30T12:00:00+01:00'));
      const status = await eventually(async () => {
        const s = await h.cashback.getStatus(user);
        return s.counters.rejected === 1 ? s : undefined;
      }, 'the rejection');
      expect(status.recentRejections[0]?.reason).toMatch(/month 2082-12 is older than the adjustment window/);
      expect(status.counters.payments).toBe(1);
    });
  });

  it('runs three years of quarters with continue-as-new: exactly one credit per quarter', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('years');
      const handle = h.env.client.workflow.getHandle(workflowIdFor(user));
      const quarters: string[] = [];
      let firstRunId = '';
      for (let year = 2083; year <= 2085; year++) {
        for (const month of [2, 5, 8, 11]) {
          const at = `${year}-${String(month).padStart(2, '0')}-10T12:00:00+01:00`;
          await h.advanceTo(at);
          await h.cashback.recordPayment(payment(user, 20_000, at));
          firstRunId ||= (await handle.describe()).runId;
          quarters.push(`${year}-Q${Math.ceil(month / 3)}`);
        }
      }
      await h.advanceTo('2086-01-05T00:00:00+01:00');
      const ledger = await ledgerOnceItHas(h, user, 12);
      expect(ledger.map((e) => e.quarter)).toEqual(quarters);
      expect(ledger.every((e) => e.amountCents === 200)).toBe(true);
      expect((await handle.describe()).runId).not.toBe(firstRunId);
      const firstRun = await h.env.client.workflow.getHandle(workflowIdFor(user), firstRunId).describe();
      expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
      const status = await h.cashback.getStatus(user);
      expect(status.lastPaidQuarter).toBe('2085-Q4');
      expect(status.counters.payments).toBe(12);
    });
  });

  it('rolls a quiet user over at the next payout instant: each run holds about one quarter', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('quiet');
      const handle = h.env.client.workflow.getHandle(workflowIdFor(user));
      await h.advanceTo('2083-02-10T12:00:00+01:00');
      await h.cashback.recordPayment(payment(user, 20_000, '2083-02-10T12:00:00+01:00'));
      const firstRunId = (await handle.describe()).runId;
      await h.advanceTo('2083-04-05T00:00:00+02:00');
      await ledgerOnceItHas(h, user, 1);
      // The Q1 payout alone does not end the run; with no event since, the Q2 payout instant does.
      expect((await handle.describe()).runId).toBe(firstRunId);
      await h.advanceTo('2083-07-05T00:00:00+02:00');
      const q2 = await eventually(async () => (await h.statement(user, '2083-Q2')) ?? undefined, 'the Q2 statement');
      expect(q2.payoutStatus).toBe('nothing_due');
      expect((await handle.describe()).runId).not.toBe(firstRunId);
      expect((await h.env.client.workflow.getHandle(workflowIdFor(user), firstRunId).describe()).status.name).toBe(
        'CONTINUED_AS_NEW',
      );
      expect(await h.ledger(user)).toHaveLength(1);
    });
  });

  it('marks a payout to a blocked account failed, and pays it once after an operator retry', async () => {
    await withHarness(async (h) => {
      const user = await userWithFailedPayout(h, 'blocked', async (user) => {
        await expect(h.cashback.retryPayout(user, '2083-Q1')).rejects.toThrow(/no unpaid payout/);
      });
      expect((await h.statement(user, '2083-Q1'))?.paidCents).toBe(0);
      const status = await h.cashback.getStatus(user);
      expect(status.payoutStatus).toBe('failed');
      expect(status.unpaid).toMatchObject([
        { quarter: '2083-Q1', amountCents: 300, status: 'failed', failureReason: `Seqr Account of ${user} is blocked` },
      ]);
      const described = await h.env.client.workflow.getHandle(workflowIdFor(user)).describe();
      expect(described.typedSearchAttributes.get(PayoutStatus)).toBe('failed');

      await expect(h.cashback.retryPayout(user, '2083-Q1')).resolves.toMatchObject({ status: 'failed' });
      await h.setAccountStatus(user, 'open');
      await expect(h.cashback.retryPayout(user, '2083-Q1')).resolves.toMatchObject({
        status: 'paid',
        amountCents: 300,
      });
      await expect(h.cashback.retryPayout(user, '2083-Q1')).rejects.toBeInstanceOf(OperatorRequestRejected);
      expect(await h.ledger(user)).toEqual([
        { idempotencyKey: `cashback:${user}:2083-Q1`, quarter: '2083-Q1', amountCents: 300 },
      ]);
      expect((await h.statement(user, '2083-Q1'))?.payoutStatus).toBe('paid');
    });
  });

  it('refuses a second retry while one is under way, and a malformed quarter, with messages that say why', async () => {
    await withHarness(async (h) => {
      const user = await userWithFailedPayout(h, 'double-retry');
      await h.setAccountStatus(user, 'open');
      await expect(h.cashback.retryPayout(user, '2083-Q7')).rejects.toThrow(
        /quarter must look like 2027-Q1, got "2083-Q7"/,
      );
      const [first, second] = await Promise.allSettled([
        h.cashback.retryPayout(user, '2083-Q1'),
        h.cashback.retryPayout(user, '2083-Q1'),
      ]);
      const outcomes = [first, second].map((r) => (r.status === 'fulfilled' ? r.value.status : String(r.reason)));
      // One is served; the other arrives while it is queued or while its credit runs, never as "failed, not failed".
      expect(outcomes.filter((o) => o === 'paid')).toHaveLength(1);
      expect(outcomes.find((o) => o !== 'paid')).toMatch(
        /a retry of the 2083-Q1 payout is already under way|the 2083-Q1 payout is pending, not failed/,
      );
      expect(await h.ledger(user)).toHaveLength(1);
    });
  });

  it("holds a refund that arrives before its payment, and applies it in the payment's month when the payment comes", async () => {
    await withHarness(async (h) => {
      const user = h.newUser('refund-first');
      await h.advanceTo('2083-01-10T12:00:00+01:00');
      const bought = payment(user, 30_000, '2083-01-10T10:00:00+01:00');
      const back = refund(user, bought.paymentId, 10_000, '2083-01-10T11:00:00+01:00');
      // The refund starts the user's workflow and waits there; the payment, when it comes, takes it along.
      await expect(h.cashback.recordRefund(back)).resolves.toMatchObject({ check: 'held' });
      const waiting = await eventually(async () => {
        const s = await h.cashback.getStatus(user);
        return s.heldRefunds.length ? s : undefined;
      }, 'the held refund');
      expect(waiting.heldRefunds).toMatchObject([
        { refundId: back.refundId, paymentId: bought.paymentId, amountCents: 10_000 },
      ]);
      await h.cashback.recordPayment(bought);
      const applied = await eventually(async () => {
        const s = await h.cashback.getStatus(user);
        return s.counters.payments === 1 ? s : undefined;
      }, 'the payment');
      expect(applied.heldRefunds).toEqual([]);
      expect(applied.counters).toMatchObject({ payments: 1, refunds: 1, rejected: 0 });
      expect(applied.currentMonth).toMatchObject({ eligiblePayments: 1, netSpendCents: 20_000 });
      await h.advanceTo('2083-04-05T00:00:00+02:00');
      expect(await ledgerOnceItHas(h, user, 1)).toEqual([
        { idempotencyKey: `cashback:${user}:2083-Q1`, quarter: '2083-Q1', amountCents: 200 },
      ]);
    });
  });

  it('rejects a held refund, visibly in status, when its quarter leaves the adjustment window without its payment', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('refund-expired');
      await h.advanceTo('2083-02-10T12:00:00+01:00');
      await h.cashback.recordPayment(payment(user, 10_000, '2083-02-10T10:00:00+01:00'));
      const ghost = refund(user, `${user}-never`, 500, '2083-02-10T11:00:00+01:00');
      await expect(h.cashback.recordRefund(ghost)).resolves.toMatchObject({ check: 'held' });
      await h.advanceTo('2083-04-05T00:00:00+02:00'); // Q1 closes: still inside the one-quarter window
      expect((await h.cashback.getStatus(user)).heldRefunds).toHaveLength(1);
      await h.advanceTo('2083-07-05T00:00:00+02:00'); // Q2 closes: Q1 has left the window
      const status = await eventually(async () => {
        const s = await h.cashback.getStatus(user);
        return s.heldRefunds.length === 0 ? s : undefined;
      }, 'the expiry');
      expect(status.counters.rejected).toBe(1);
      expect(status.recentRejections).toMatchObject([
        {
          eventId: ghost.refundId,
          reason: expect.stringContaining(`refund of unknown payment ${user}-never: held since`),
        },
      ]);
    });
  });
});
