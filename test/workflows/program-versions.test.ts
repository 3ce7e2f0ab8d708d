// A new program version reaches a user who already exists by a deploy alone: no restart, signal or migration. The
// worker is redeployed onto a bundle that brings version 2 (test/support/next-program.ts) before its quarter begins.
import { describe, expect, inject, it } from 'vitest';
import { NEXT_QUARTER, NEXT_VERSION } from '../support/next-program.ts';
import { eventually, payment, withHarness } from '../support/harness.ts';

describe('program versions on a running workflow', () => {
  it('a deploy brings version 2 to an existing user from its quarter; a late event before it keeps version 1', async () => {
    expect(NEXT_QUARTER).toBe('2090-Q1');
    await withHarness(
      async (h) => {
        const user = h.newUser('versions');
        // 2089-Q4 under version 1: 6 payments, €150 → tier 1 (1 %) → €1.50.
        await h.advanceTo('2089-10-10T12:00:00+02:00');
        for (let i = 0; i < 5; i++) await h.cashback.recordPayment(payment(user, 2_000, '2089-10-10T12:00:00+02:00'));
        await h.advanceTo('2089-11-10T12:00:00+01:00');
        await h.cashback.recordPayment(payment(user, 5_000, '2089-11-10T12:00:00+01:00'));
        expect((await h.cashback.getStatus(user)).openQuarter).toMatchObject({ quarter: '2089-Q4', programVersion: 1 });

        // Version 2 ships during 2089-Q4, effective 2090-Q1.
        await h.redeploy(inject('nextProgramBundlePath'));

        // 2089-Q4 closes under version 1 (its 3-day grace: 4 January).
        await h.advanceTo('2090-01-05T12:00:00+01:00');
        const q4 = await eventually(
          () => h.statement(user, '2089-Q4').then((row) => row ?? undefined),
          'the Q4 statement',
        );
        expect(q4.statement).toMatchObject({ programVersion: 1, payableCents: 150, outcome: 'payable' });
        expect(q4.statement.lines[0]).toMatchObject({ month: '2089-10', tier: 1, ratePercent: 1, programVersion: 1 });

        // The open quarter is version 2's, paid after its 5-day grace.
        const status = await h.cashback.getStatus(user);
        expect(status.openQuarter).toMatchObject({ quarter: '2090-Q1', programVersion: 2, payoutDate: '2090-04-06' });

        // February under version 2: 5 payments, €100 → tier 2 (4 %) → €4.00. A December payment arrives late: December
        // is recomputed under version 1 (1 %: €1.00), not version 2 (2 %).
        await h.advanceTo('2090-02-10T12:00:00+01:00');
        for (let i = 0; i < 5; i++) await h.cashback.recordPayment(payment(user, 2_000, '2090-02-10T12:00:00+01:00'));
        await h.cashback.recordPayment(payment(user, 10_000, '2089-12-20T12:00:00+01:00'));
        await h.advanceTo('2090-04-07T12:00:00+02:00');
        const q1 = await eventually(
          () => h.statement(user, '2090-Q1').then((row) => (row?.payoutStatus === 'paid' ? row : undefined)),
          'the Q1 payout',
        );
        expect(q1.statement).toMatchObject({ programVersion: NEXT_VERSION.version, payableCents: 500 });
        expect(q1.statement.lines[1]).toMatchObject({ month: '2090-02', tier: 2, ratePercent: 4, programVersion: 2 });
        expect(q1.statement.adjustments).toEqual([
          expect.objectContaining({ month: '2089-12', programVersion: 1, tier: 1, previously: 0, now: 10_000 }),
        ]);
        expect((await h.ledger(user)).map((entry) => [entry.quarter, entry.amountCents])).toEqual([
          ['2089-Q4', 150],
          ['2090-Q1', 500],
        ]);
      },
      { redeployable: true },
    );
  });
});
