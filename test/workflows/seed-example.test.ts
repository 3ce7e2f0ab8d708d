// The program's worked example, end to end on the time-skipping server: one credit of €14.00 in April.
import { describe, expect, it } from 'vitest';
import { eventually, payment, splitCents, withHarness } from '../support/harness.ts';

describe('seed example', () => {
  it('1 × €100 in January, 12 payments €200 in February, 22 payments €300 in March → €14.00 credited in April', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('seed');
      await h.advanceTo('2083-01-10T12:00:00+01:00');
      await h.cashback.recordPayment(payment(user, 10_000, '2083-01-10T12:00:00+01:00'));
      await h.advanceTo('2083-02-15T12:00:00+01:00');
      for (const cents of splitCents(20_000, 12))
        await h.cashback.recordPayment(payment(user, cents, '2083-02-15T12:00:00+01:00', 'online'));
      await h.advanceTo('2083-03-20T12:00:00+01:00');
      for (const cents of splitCents(30_000, 22))
        await h.cashback.recordPayment(payment(user, cents, '2083-03-20T12:00:00+01:00', 'shop_on_the_spot'));

      const march = await h.cashback.getStatus(user);
      expect(march.currentMonth).toMatchObject({ month: '2083-03', eligiblePayments: 22, tier: 3, ratePercent: 3 });
      expect(march.openQuarter).toMatchObject({ quarter: '2083-Q1', estimatedCents: 1400 });
      expect(await h.ledger(user)).toEqual([]);

      await h.advanceTo('2083-04-05T00:00:00+02:00');
      const ledger = await eventually(
        async () => ((await h.ledger(user)).length ? h.ledger(user) : undefined),
        'the Q1 credit',
      );
      expect(ledger).toEqual([{ idempotencyKey: `cashback:${user}:2083-Q1`, quarter: '2083-Q1', amountCents: 1400 }]);
      const row = await h.statement(user, '2083-Q1');
      expect(row).toMatchObject({ payoutStatus: 'paid', paidCents: 1400 });
      const lines = (
        row!.statement.lines as { month: string; eligiblePayments: number; netSpendCents: number; cashback: number }[]
      ).map((l) => [l.month, l.eligiblePayments, l.netSpendCents, l.cashback / 100]);
      expect(lines).toEqual([
        ['2083-01', 1, 10_000, 100],
        ['2083-02', 12, 20_000, 400],
        ['2083-03', 22, 30_000, 900],
      ]);
    });
  });
});
