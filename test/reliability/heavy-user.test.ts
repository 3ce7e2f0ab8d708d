// A heavy user: 25,000 payments in one quarter. The workflow rolls over (continue-as-new) mid-quarter without losing or
// double counting anything, every run stays within Temporal's limits, and the payout is exact.
import proto from '@temporalio/proto';
import { describe, expect, inject, it } from 'vitest';
import { workflowIdFor } from '../../src/workflows/definitions.ts';
import { eventually, withHarness, type Harness } from '../support/harness.ts';
import { booksReconcile } from '../support/reconcile.ts';

const PAYMENTS = Number(process.env.HEAVY_PAYMENTS ?? 25_000);
const CONCURRENCY = 8;
/**
 * Payments arrive in bursts with pauses between them, as a quarter's payments do. A workflow cannot continue-as-new
 * while
 * signals stream in without any pause (the server refuses the completion whenever a new signal arrived during the
 * task),
 * so an unbroken stream of hundreds of signals per second into one workflow is outside this design; see docs/adr/0001-one-workflow-per-user.md.
 */
const BURST = 500;

/** Follows the chain of runs from the first, through each continue-as-new. */
async function runsOf(h: Harness, workflowId: string, firstRunId: string) {
  const runs: { runId: string; events: number; bytes: number }[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history: proto.temporal.api.history.v1.IHistory = await h.env.client.workflow
      .getHandle(workflowId, runId)
      .fetchHistory();
    const events = history.events ?? [];
    const bytes = proto.temporal.api.history.v1.History.encode(history).finish().length;
    runs.push({ runId, events: events.length, bytes });
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

describe('reliability: a heavy user', () => {
  it(`${PAYMENTS} payments in one quarter: rolls over, nothing lost or double counted, one exact payout`, async () => {
    await withHarness(async (h) => {
      const user = h.newUser('heavy');
      await h.advanceTo('2083-03-31T20:00:00+02:00');
      const started = Date.now();
      const months = ['2083-01-15T12:00:00+01:00', '2083-02-15T12:00:00+01:00', '2083-03-15T12:00:00+01:00'];
      const sendOne = (i: number) =>
        h.cashback.recordPayment({
          paymentId: `${user}-${i}`,
          userId: user,
          amount: { cents: 100, currency: 'EUR' },
          kind: 'in_store',
          fundingAccount: 'seqr_account',
          occurredAt: months[i % 3],
        });
      await sendOne(0);
      const firstRunId = (await h.env.client.workflow.getHandle(workflowIdFor(user)).describe()).runId;
      for (let from = 1; from < PAYMENTS; from += BURST) {
        const to = Math.min(from + BURST, PAYMENTS);
        let cursor = from;
        const producer = async () => {
          while (cursor < to) await sendOne(cursor++);
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, producer));
        await eventually(
          async () => ((await h.cashback.getStatus(user)).counters.payments >= to ? true : undefined),
          `payments up to ${to}`,
          120_000,
        );
      }
      const sendSeconds = (Date.now() - started) / 1000;
      const status = await eventually(
        async () => {
          const s = await h.cashback.getStatus(user);
          return s.counters.payments === PAYMENTS ? s : undefined;
        },
        'every payment applied',
        120_000,
      );
      expect(status.counters).toMatchObject({ payments: PAYMENTS, duplicates: 0, rejected: 0 });

      await h.advanceTo('2083-04-05T00:00:00+02:00');
      const { ledger, statement } = await eventually(
        async () => {
          const books = await h.books(user, '2083-Q1');
          return books.ledger.length ? books : undefined;
        },
        'the credit',
        120_000,
      );
      expect(ledger).toEqual([
        { idempotencyKey: `cashback:${user}:2083-Q1`, quarter: '2083-Q1', amountCents: PAYMENTS * 3 },
      ]);
      expect(statement!.statement.lines.reduce((sum, l) => sum + l.eligiblePayments, 0)).toBe(PAYMENTS);
      expect((await booksReconcile('2083-Q1', inject('databaseUrl'))).violations).toEqual([]);

      const runs = await runsOf(h, workflowIdFor(user), firstRunId);
      expect(runs.length).toBeGreaterThan(1);
      for (const run of runs) {
        expect(run.events).toBeLessThan(10_000);
        expect(run.bytes).toBeLessThan(50 * 1024 * 1024);
      }
      const largest = Math.max(...runs.map((r) => r.bytes));
      console.log(
        `heavy user: ${PAYMENTS} payments sent in ${sendSeconds.toFixed(1)} s (${Math.round(PAYMENTS / sendSeconds)}/s), ` +
          `${runs.length} runs, at most ${Math.max(...runs.map((r) => r.events))} events and ${(largest / 1024).toFixed(0)} KiB per run, credit ${ledger[0]!.amountCents} cents`,
      );
    });
  }, 600_000);
});
