// Ingestion: payments recorded per second, end to end (call returned = durably recorded), from concurrent producers
// into
// many users' workflows. Baselines: (a) the same signal-with-start traffic into a workflow that only counts signals,
// (b) one plain PostgreSQL INSERT per payment.
import type { BenchContext } from '../context.ts';
import { percentile, row, runConcurrent, type Row, type Timed } from '../support.ts';

function summary(name: string, timed: Timed, count: number) {
  return {
    name,
    perSecond: count / timed.seconds,
    p50: percentile(timed.latenciesMs, 50),
    p99: percentile(timed.latenciesMs, 99),
  };
}

export async function ingestion(ctx: BenchContext): Promise<Row[]> {
  const payments = ctx.quick ? 2_000 : 20_000;
  const users = ctx.quick ? 100 : 1_000;
  const producers = 16;
  const event = (i: number, prefix: string) => ({
    paymentId: `${prefix}-${ctx.tag}-${i}`,
    userId: `${prefix}-${ctx.tag}-u${i % users}`,
    amount: { cents: 1_000 + (i % 5_000), currency: 'EUR' },
    kind: 'in_store',
    fundingAccount: 'seqr_account',
    occurredAt: new Date().toISOString(),
  });
  await ctx.pool.query(
    'create table if not exists bench_payment (payment_id text primary key, user_id text not null, cents bigint not null, occurred_at timestamptz not null)',
  );

  ctx.log(`ingestion: ${payments} payments into ${users} users from ${producers} producers, three ways`);
  const noop = summary(
    '(a) no-op workflow',
    await runConcurrent(payments, producers, (i) => {
      const e = event(i, 'noop');
      return ctx.client.workflow.signalWithStart('countingWorkflow', {
        workflowId: `noop-${e.userId}`,
        taskQueue: ctx.noopQueue,
        signal: 'payment',
        signalArgs: [e],
      });
    }),
    payments,
  );
  const cashback = summary(
    'cashback',
    await runConcurrent(payments, producers, (i) => ctx.cashback.recordPayment(event(i, 'ingest'))),
    payments,
  );
  const sql = summary(
    '(b) SQL insert',
    await runConcurrent(payments, producers, (i) => {
      const e = event(i, 'sql');
      return ctx.pool.query('insert into bench_payment values ($1, $2, $3, $4)', [
        e.paymentId,
        e.userId,
        e.amount.cents,
        e.occurredAt,
      ]);
    }),
    payments,
  );

  return [
    row({
      case: 'ingestion',
      metric: 'payments/s',
      value: cashback.perSecond,
      unit: '/s',
      baseline: { name: noop.name, value: noop.perSecond },
      note: 'target ≥ 70 % of (a)',
    }),
    row({
      case: 'ingestion',
      metric: 'payments/s',
      value: cashback.perSecond,
      unit: '/s',
      baseline: { name: sql.name, value: sql.perSecond },
    }),
    row({
      case: 'ingestion',
      metric: 'p50 latency',
      value: cashback.p50,
      unit: 'ms',
      baseline: { name: noop.name, value: noop.p50 },
    }),
    row({
      case: 'ingestion',
      metric: 'p99 latency',
      value: cashback.p99,
      unit: 'ms',
      baseline: { name: noop.name, value: noop.p99 },
    }),
    row({
      case: 'ingestion',
      metric: 'SQL insert p50 / p99',
      value: sql.p50,
      unit: 'ms',
      note: `p99 ${sql.p99.toFixed(1)} ms`,
    }),
  ];
}
