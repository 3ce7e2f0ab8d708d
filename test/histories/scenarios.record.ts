// Records the histories of real runs (time-skipping server, real worker, PostgreSQL) as JSON for the replay test, into
// a folder of the release in package.json (test/histories/<release>/). Run once when a release is cut
// (`npm run record-histories`, docs/releasing.md): a released folder is never re-recorded, so this refuses to write
// into one that exists. Each scenario leaves a run in a state a deploy can meet it in.
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { RELEASE } from '../../src/rollout/worker-deployment.ts';
import { workflowIdFor } from '../../src/workflows/definitions.ts';
import { eventually, nextRunId, payment, refund, splitCents, withHarness, type Harness } from '../support/harness.ts';

const dir = new URL(`./${RELEASE}/`, import.meta.url);

async function save(h: Harness, name: string, userId: string, runIds: string[]): Promise<void> {
  for (const [i, runId] of runIds.entries()) {
    const history = await h.env.client.workflow.getHandle(workflowIdFor(userId), runId).fetchHistory();
    await writeFile(new URL(`./${name}-run${i + 1}.json`, dir), historyToJSON(history));
  }
}

async function runIdOf(handle: WorkflowHandle): Promise<string> {
  return (await handle.describe()).runId;
}

describe(`record the histories of release ${RELEASE}`, () => {
  beforeAll(async () => {
    if (existsSync(dir)) throw new Error(`test/histories/${RELEASE}/ exists: released histories are never re-recorded`);
    await mkdir(dir);
  });

  it('mid-quarter with payments: the open month is tallied, the payout timer armed', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('history-mid-quarter');
      const handle = h.env.client.workflow.getHandle(workflowIdFor(user));
      await h.advanceTo('2083-01-10T12:00:00+01:00');
      for (const cents of splitCents(15_000, 3))
        await h.cashback.recordPayment(payment(user, cents, '2083-01-10T12:00:00+01:00', 'in_store'));
      await h.advanceTo('2083-02-12T12:00:00+01:00');
      await h.cashback.recordPayment(payment(user, 4_000, '2083-02-12T12:00:00+01:00', 'online'));
      expect((await h.cashback.getStatus(user)).counters.payments).toBe(4);
      await save(h, 'mid-quarter', user, [await runIdOf(handle)]);
    });
  });

  it('a held refund: the refund came before its payment and waits in the run', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('history-held');
      const handle = h.env.client.workflow.getHandle(workflowIdFor(user));
      await h.advanceTo('2083-01-10T12:00:00+01:00');
      await h.cashback.recordPayment(payment(user, 2_000, '2083-01-09T12:00:00+01:00'));
      const later = payment(user, 30_000, '2083-01-10T10:00:00+01:00');
      await h.cashback.recordRefund(refund(user, later.paymentId, 10_000, '2083-01-10T11:00:00+01:00'));
      await eventually(async () => ((await h.cashback.getStatus(user)).heldRefunds.length ? true : undefined), 'held');
      await save(h, 'held-refund', user, [await runIdOf(handle)]);
    });
  });

  it('asleep until the payout instant: the quarter has ended, its grace is running', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('history-asleep');
      const handle = h.env.client.workflow.getHandle(workflowIdFor(user));
      await h.advanceTo('2083-03-10T12:00:00+01:00');
      await h.cashback.recordPayment(payment(user, 25_000, '2083-03-10T12:00:00+01:00'));
      await h.advanceTo('2083-04-02T12:00:00+02:00');
      expect(await h.ledger(user)).toEqual([]);
      await save(h, 'asleep', user, [await runIdOf(handle)]);
    });
  });

  it('the worked example: signals, payout, then a refund clawed back after continue-as-new', async () => {
    await withHarness(async (h) => {
      const user = h.newUser('history-seed');
      const handle = h.env.client.workflow.getHandle(workflowIdFor(user));
      await h.advanceTo('2083-01-10T12:00:00+01:00');
      const first = payment(user, 10_000, '2083-01-10T12:00:00+01:00');
      await h.cashback.recordPayment(first);
      const run1 = await runIdOf(handle);
      await h.cashback.recordPayment(first);
      await handle.signal('payment', { paymentId: 'junk', amount: 'lots' });
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
      const run2 = await nextRunId(handle, run1);
      await h.cashback.recordPayment(payment(user, 7_000, '2083-04-05T00:00:00+02:00'));
      await eventually(async () => ((await h.cashback.getStatus(user)).counters.payments ? true : undefined), 'run 2');
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
      await save(h, 'quiet', user, [run1, await nextRunId(handle, run1)]);
    });
  });

  it('a failed payout waiting for an operator, then the retry (update) that pays it once', async () => {
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
      await save(h, 'failed-payout', user, [run1]);
      await h.setAccountStatus(user, 'open');
      const run = await runIdOf(handle);
      expect(await h.cashback.retryPayout(user, '2083-Q1')).toMatchObject({ status: 'paid' });
      await save(h, 'retried-payout', user, run === run1 ? [run1] : [run1, run]);
    });
  });
});
