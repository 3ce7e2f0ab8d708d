// Records the histories of real runs (time-skipping server, real worker, PostgreSQL) as JSON for the replay test.
// Run after a deliberate change of workflow logic (`npm run record-histories`) and commit the re-recorded files.
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { workflowIdFor } from '../../src/workflows/definitions.ts';
import { eventually, payment, refund, splitCents, withHarness, type Harness } from '../support/harness.ts';

async function save(h: Harness, name: string, userId: string, runIds: string[]): Promise<void> {
  for (const [i, runId] of runIds.entries()) {
    const history = await h.env.client.workflow.getHandle(workflowIdFor(userId), runId).fetchHistory();
    const file = new URL(`./${name}-run${i + 1}.json`, import.meta.url);
    await writeFile(file, historyToJSON(history));
  }
}

async function runIdOf(handle: WorkflowHandle): Promise<string> {
  return (await handle.describe()).runId;
}

describe('record histories', () => {
  it('the worked example: signals, payout, then a refund clawed back in the next run', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('history-seed');
      const handle = h.env.client.workflow.getHandle(workflowIdFor(user));
      await h.advanceTo('2083-01-10T12:00:00+01:00');
      const first = payment(user, 10_000, '2083-01-10T12:00:00+01:00');
      await h.cashback.recordPayment(first);
      const run1 = await runIdOf(handle);
      await h.cashback.recordPayment(first);
      await h.env.client.workflow
        .getHandle(workflowIdFor(user))
        .signal('payment', { paymentId: 'junk', amount: 'lots' });
      await h.advanceTo('2083-02-15T12:00:00+01:00');
      for (const cents of splitCents(20_000, 12))
        await h.cashback.recordPayment(payment(user, cents, '2083-02-15T12:00:00+01:00', 'online'));
      await h.advanceTo('2083-03-20T12:00:00+01:00');
      for (const cents of splitCents(30_000, 22))
        await h.cashback.recordPayment(payment(user, cents, '2083-03-20T12:00:00+01:00', 'shop_on_the_spot'));
      await h.cashback.recordPayment(payment(user, 5_000, '2083-03-20T12:00:00+01:00', 'p2p'));
      await h.advanceTo('2083-04-05T00:00:00+02:00');
      await eventually(async () => ((await h.ledger(user)).length ? true : undefined), 'the Q1 credit');
      // The first event after a payout starts the next run.
      await h.cashback.recordRefund(refund(user, first.paymentId, 5_000, '2083-04-05T00:00:00+02:00'));
      const run2 = await eventually(async () => {
        const id = await runIdOf(handle);
        return id !== run1 ? id : undefined;
      }, 'the second run');
      await h.cashback.getStatus(user);
      await save(h, 'seed', user, [run1, run2]);
    });
  });

  it('a quiet user: paid, then rolled over at the next payout instant with nothing due', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('history-quiet');
      const handle = h.env.client.workflow.getHandle(workflowIdFor(user));
      await h.advanceTo('2083-02-10T12:00:00+01:00');
      await h.cashback.recordPayment(payment(user, 20_000, '2083-02-10T12:00:00+01:00'));
      const run1 = await runIdOf(handle);
      await h.advanceTo('2083-07-05T00:00:00+02:00');
      await eventually(async () => ((await h.statement(user, '2083-Q2')) ? true : undefined), 'the Q2 statement');
      const run2 = await eventually(async () => {
        const id = await runIdOf(handle);
        return id !== run1 ? id : undefined;
      }, 'the second run');
      await save(h, 'quiet', user, [run1, run2]);
    });
  });

  it('a blocked account: failed payout, operator retries (update), paid once', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('history-blocked');
      const handle = h.env.client.workflow.getHandle(workflowIdFor(user));
      await h.advanceTo('2083-01-10T12:00:00+01:00');
      await h.cashback.recordPayment(payment(user, 30_000, '2083-01-10T12:00:00+01:00'));
      const run1 = await runIdOf(handle);
      await h.setAccountStatus(user, 'blocked');
      await h.advanceTo('2083-04-05T00:00:00+02:00');
      await eventually(
        async () => ((await h.statement(user, '2083-Q1'))?.payoutStatus === 'failed' ? true : undefined),
        'the failure',
      );
      await h.setAccountStatus(user, 'open');
      const run = await runIdOf(handle);
      expect(await h.cashback.retryPayout(user, '2083-Q1')).toMatchObject({ status: 'paid' });
      await save(h, 'blocked', user, run === run1 ? [run1] : [run1, run]);
    });
  });
});
