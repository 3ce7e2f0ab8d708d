// Bounded state: history events and bytes for a user's quarter at 10, 100 and 1,000 payments (baseline: a workflow that
// only counts the same signals), and the state carried over continue-as-new after 4 and after 8 closed quarters.
// Histories are read raw (no codec): ours hold ciphertext, each payload about 90 bytes larger than in clear (a 12-byte
// IV, a 16-byte tag, its own metadata inside the ciphertext, the key id beside it); the counting workflow's are in clear.
// So our history bytes include that envelope, and the carried state is its ciphertext's length, about 55 bytes more
// than the JSON (the 4-against-8 ratio is unaffected).
import proto from '@temporalio/proto';
import { firstOpenQuarter } from '../../src/domain/program.ts';
import { PROGRAM } from '../../src/domain/program-versions.ts';
import { workflowIdFor } from '../../src/workflows/definitions.ts';
import type { BenchContext } from '../context.ts';
import { row, runConcurrent, until, type Row } from '../support.ts';

async function historyOf(ctx: BenchContext, workflowId: string) {
  const history = await ctx.client.workflow.getHandle(workflowId).fetchHistory();
  return {
    events: history.events?.length ?? 0,
    bytes: proto.temporal.api.history.v1.History.encode(history).finish().length,
    history,
  };
}

export async function boundedState(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const payments of ctx.quick ? [10, 100] : [10, 100, 1_000]) {
    const user = `state-${ctx.tag}-${payments}`;
    const event = (i: number) => ({
      paymentId: `${user}-${i}`,
      userId: user,
      amount: { cents: 2_500, currency: 'EUR' },
      kind: 'online',
      fundingAccount: 'seqr_account',
      occurredAt: new Date().toISOString(),
    });
    await runConcurrent(payments, 4, (i) => ctx.cashback.recordPayment(event(i)));
    await runConcurrent(payments, 4, (i) =>
      ctx.plainClient.workflow.signalWithStart('countingWorkflow', {
        workflowId: `count-${user}`,
        taskQueue: ctx.noopQueue,
        signal: 'payment',
        signalArgs: [event(i)],
      }),
    );
    // Generous: after the storm the worker may still be starting thousands of continued runs.
    await until(
      async () => (await ctx.cashback.getStatus(user)).counters.payments === payments,
      `${payments} payments applied`,
      600_000,
    );
    const cashback = await historyOf(ctx, workflowIdFor(user));
    const noop = await historyOf(ctx, `count-${user}`);
    rows.push(
      row({
        case: 'bounded state',
        metric: `history events, ${payments} payments`,
        value: cashback.events,
        unit: 'events',
        baseline: { name: 'counting workflow', value: noop.events },
        note: payments === 100 ? 'target ≤ 2,000 per user-quarter at 100' : undefined,
      }),
    );
    rows.push(
      row({
        case: 'bounded state',
        metric: `history bytes, ${payments} payments`,
        value: cashback.bytes / 1024,
        unit: 'KiB',
        baseline: { name: 'counting workflow', value: noop.bytes / 1024 },
        note: 'ours encrypted, the counting workflow in clear',
      }),
    );
  }

  // The state a run hands to the next one, after closing 4 and 8 quarters: it must not grow with the past.
  const carried: number[] = [];
  for (const quarters of [4, 8]) {
    const user = `carried-${ctx.tag}-${quarters}`;
    const thisYear = new Date().getUTCFullYear();
    const events = Array.from({ length: quarters }, (_, q) => {
      const index = (thisYear - 3) * 4 + q; // quarters starting three years back: all closed by now
      const year = Math.floor(index / 4);
      const month = String((index % 4) * 3 + 2).padStart(2, '0');
      return {
        type: 'payment' as const,
        event: {
          paymentId: `${user}-${q}`,
          userId: user,
          amount: { cents: 20_000, currency: 'EUR' },
          kind: 'online',
          fundingAccount: 'seqr_account',
          occurredAt: `${year}-${month}-15T12:00:00Z`,
        },
      };
    });
    await ctx.cashback.importHistory(user, `${thisYear - 3}-Q1`, events);
    // Every quarter up to now closes in the first run; the user's next payment starts the run that carries the result.
    const openNow = firstOpenQuarter(PROGRAM, Date.now());
    await until(
      async () => {
        const status = await ctx.cashback.getStatus(user);
        return status.openQuarter.quarter === openNow && status.unpaid.length === 0;
      },
      `${quarters} quarters closed`,
      120_000,
    );
    // Idle (no activity or task in flight): an event that arrives while the last quarters are still closing belongs to
    // that run.
    await until(
      async () => {
        const { raw } = await ctx.client.workflow.getHandle(workflowIdFor(user)).describe();
        return !raw.pendingActivities?.length && !raw.pendingWorkflowTask;
      },
      `the run idle after ${quarters} quarters`,
      120_000,
    );
    await ctx.cashback.recordPayment({
      paymentId: `${user}-now`,
      userId: user,
      amount: { cents: 1_000, currency: 'EUR' },
      kind: 'online',
      fundingAccount: 'seqr_account',
      occurredAt: new Date().toISOString(),
    });
    let started: proto.temporal.api.history.v1.IWorkflowExecutionStartedEventAttributes | null | undefined;
    await until(
      async () => {
        started = (await historyOf(ctx, workflowIdFor(user))).history.events?.[0]
          ?.workflowExecutionStartedEventAttributes;
        return Boolean(started?.continuedExecutionRunId);
      },
      `the run after ${quarters} closed quarters`,
      120_000,
    );
    carried.push(started!.input!.payloads![0]!.data!.length);
  }
  rows.push(
    row({
      case: 'bounded state',
      metric: 'state carried over, 8 closed quarters',
      value: carried[1]! / 1024,
      unit: 'KiB',
      baseline: { name: '4 closed quarters', value: carried[0]! / 1024 },
      note: 'target: independent of past quarters (ratio ≈ 1); encrypted bytes',
    }),
  );
  return rows;
}
