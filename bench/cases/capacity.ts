// Capacity: what one payment and one user-quarter cost, measured, as docs/capacity.md projects them.
// Per payment (users that already exist, one event at a time each, as at 20 payments a month): history events, billable
// actions, PostgreSQL bytes (Temporal's databases and ours), worker and server CPU-ms. Per user-quarter (the payout's
// timer, the payout, the rollover into the next run): history events, actions, worker CPU-ms.
// Payloads are encrypted, as in production: Temporal's bytes are ciphertext, each payload about 90 bytes larger than in
// clear (IV, tag, its own metadata inside the ciphertext, the key id beside it); the encryption case measures the
// difference per payment.
import proto from '@temporalio/proto';
import type { BenchContext } from '../context.ts';
import { runStorm } from '../storm-run.ts';
import { cpuSeconds, row, runConcurrent, until, type Row } from '../support.ts';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const { EventType } = proto.temporal.api.enums.v1;

/**
 * Temporal Cloud's billable actions, counted from history events as its "Actions" page lists them: a workflow started
 * (by a client or by continue-as-new), a signal, a timer, an activity scheduled, a search-attribute upsert, a marker, an
 * update accepted. Queries are actions too but leave no event: the client's refund check is counted on its own.
 */
const BILLABLE: Record<string, true> = {
  EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: true,
  EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: true,
  EVENT_TYPE_TIMER_STARTED: true,
  EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: true,
  EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: true,
  EVENT_TYPE_MARKER_RECORDED: true,
  EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: true,
};

const typeName = (type: HistoryEvent['eventType']) => EventType[type ?? 0] ?? String(type);

/** CPU time of these processes so far, in ms. */
const cpuMs = (pids: number[]) => cpuSeconds(pids) * 1000;

async function databaseBytes(ctx: BenchContext): Promise<Record<string, number>> {
  const { rows } = await ctx.pool.query<{ datname: string; bytes: string }>(
    `select datname, pg_database_size(datname) as bytes from pg_database where not datistemplate and datname <> 'postgres'`,
  );
  return Object.fromEntries(rows.map((r) => [r.datname, Number(r.bytes)]));
}

export async function capacity(ctx: BenchContext): Promise<Row[]> {
  const users = ctx.quick ? 100 : 1_000;
  const payments = ctx.quick ? 2_000 : 10_000;
  const prefix = `capacity-${ctx.tag}-u`;
  const payment = (i: number, user: number) => ({
    paymentId: `${prefix}${user}-p${i}`,
    userId: `${prefix}${user}`,
    amount: { cents: 1_000 + (i % 5_000), currency: 'EUR' },
    kind: 'in_store',
    fundingAccount: 'seqr_account',
    occurredAt: new Date().toISOString(),
  });
  // Whether every user's workflow has counted `perUser` payments. Queries cost the worker CPU too, so it asks the last
  // 20 users (the last to be paid) until they have, and only then everyone.
  const counted = async (perUser: number, from: number) => {
    let done = 0;
    await runConcurrent(users - from, 16, async (n) => {
      const status = await ctx.cashback.getStatus(`${prefix}${from + n}`);
      if (status.counters.payments >= perUser) done += 1;
    });
    return done === users - from;
  };
  const processed = async (perUser: number) =>
    (await counted(perUser, Math.max(0, users - 20))) && (await counted(perUser, 0));

  // Every user exists first (their start is a user-quarter cost, not a payment's).
  ctx.log(`capacity: ${users} users, then ${payments} payments round-robin`);
  await runConcurrent(users, 16, (u) => ctx.cashback.recordPayment(payment(-1, u)));
  await until(() => processed(1), 'the first payment of every capacity user', 10 * 60_000, 1_000);
  const lengthsBefore = await historyLengths(ctx, prefix, users);
  const bytesBefore = await databaseBytes(ctx);
  const cpuBefore = { worker: cpuMs([ctx.worker.child.pid!]), server: cpuMs(ctx.engine.server) };
  await runConcurrent(payments, 16, (i) => ctx.cashback.recordPayment(payment(i, i % users)));
  await until(() => processed(1 + payments / users), 'every capacity payment', 30 * 60_000, 1_000);
  const cpuAfter = { worker: cpuMs([ctx.worker.child.pid!]), server: cpuMs(ctx.engine.server) };
  const bytesAfter = await databaseBytes(ctx);
  let events = 0;
  let actions = 0;
  await runConcurrent(users, 16, async (u) => {
    const history = await ctx.client.workflow.getHandle(`cashback-${prefix}${u}`).fetchHistory();
    const added = (history.events ?? []).slice(lengthsBefore[u]);
    events += added.length;
    actions += added.filter((e: HistoryEvent) => BILLABLE[typeName(e.eventType)]).length;
  });
  const growth = Object.fromEntries(
    Object.keys(bytesAfter).map((db) => [db, ((bytesAfter[db]! - (bytesBefore[db] ?? 0)) / payments) * 10_000]),
  );

  // One user-quarter: the payout falls due (a burst, as in the storm), then each user's next payment rolls the run over.
  const quarterUsers = ctx.quick ? 50 : 500;
  const cpuQuarterBefore = cpuMs([ctx.worker.child.pid!]);
  await runStorm(ctx, { users: quarterUsers, windowMinutes: 0, name: 'quarter', workerPids: [ctx.worker.child.pid!] });
  const quarterPrefix = `quarter-${ctx.tag}-`;
  await runConcurrent(quarterUsers, 16, (i) =>
    ctx.cashback.recordPayment({
      ...payment(i, 0),
      paymentId: `${quarterPrefix}${i}-next`,
      userId: `${quarterPrefix}${i}`,
    }),
  );
  const rolledOver = `WorkflowId STARTS_WITH "cashback-${quarterPrefix}" AND ExecutionStatus="ContinuedAsNew"`;
  // A payment that lands in the same workflow task as the payout's result is tallied in the old run, which then rolls
  // over at the user's next event instead: the runs that rolled over now are the ones measured.
  let settled = -1;
  await until(
    async () => {
      const { count } = await ctx.client.workflow.count(rolledOver);
      const done = count >= quarterUsers || count === settled;
      settled = count;
      return done;
    },
    'the rollovers',
    10 * 60_000,
    5_000,
  );
  const cpuQuarter = (cpuMs([ctx.worker.child.pid!]) - cpuQuarterBefore) / quarterUsers;
  let quarterRuns = 0;
  let quarterEvents = 0;
  let quarterActions = 0;
  for await (const run of ctx.client.workflow.list({ query: rolledOver })) {
    const history = await ctx.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    // The signal that woke the run is the next payment's, not the quarter's.
    const own = (history.events ?? []).filter(
      (e: HistoryEvent) => typeName(e.eventType) !== 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED',
    );
    quarterRuns += 1;
    quarterEvents += own.length;
    quarterActions += own.filter((e: HistoryEvent) => BILLABLE[typeName(e.eventType)]).length;
  }

  // Our database per user-quarter: its statement and its ledger entry, with their indexes, over every payout so far.
  const ours = (
    await ctx.pool.query<{ bytes: string; statements: string }>(
      `select pg_total_relation_size('ledger_entry') + pg_total_relation_size('quarter_statement') as bytes,
              (select count(*) from quarter_statement) as statements`,
    )
  ).rows[0]!;

  const mb = (bytes: number | undefined) => ((bytes ?? Number.NaN) / 2 ** 20).toFixed(1);
  return [
    row({ case: 'capacity', metric: 'history events per payment', value: events / payments, unit: '' }),
    row({
      case: 'capacity',
      metric: 'billable actions per payment',
      value: actions / payments,
      unit: '',
      baseline: { name: 'floor: one signal', value: 1 },
      note: '+1 query per refund (the client checks it fits its payment)',
    }),
    row({
      case: 'capacity',
      metric: 'PostgreSQL MiB per 10,000 payments',
      value: Object.values(growth).reduce((a, b) => a + b, 0) / 2 ** 20,
      unit: 'MiB',
      note: `${Object.entries(growth)
        .map(([db, bytes]) => `${db} ${mb(bytes)}`)
        .join(', ')}; payloads encrypted`,
    }),
    row({
      case: 'capacity',
      metric: 'worker CPU-ms per payment',
      value: (cpuAfter.worker - cpuBefore.worker) / payments,
      unit: 'ms',
      note: `Temporal server: ${((cpuAfter.server - cpuBefore.server) / payments).toFixed(2)} ms`,
    }),
    row({
      case: 'capacity',
      metric: 'history events per user-quarter',
      value: quarterEvents / quarterRuns,
      unit: '',
      note: `${quarterRuns} runs from start to rollover (timer, payout, continue-as-new)`,
    }),
    row({
      case: 'capacity',
      metric: 'billable actions per user-quarter',
      value: quarterActions / quarterRuns,
      unit: '',
    }),
    row({
      case: 'capacity',
      metric: 'our PostgreSQL bytes per user-quarter',
      value: Number(ours.bytes) / Number(ours.statements),
      unit: 'B',
      note: `statement + ledger entry with indexes, over ${ours.statements} statements`,
    }),
    row({
      case: 'capacity',
      metric: 'worker CPU-ms per user-quarter',
      value: cpuQuarter,
      unit: 'ms',
      note: 'loading the user, the payout and the rollover',
    }),
  ];
}

async function historyLengths(ctx: BenchContext, prefix: string, users: number): Promise<number[]> {
  const lengths: number[] = [];
  await runConcurrent(users, 16, async (u) => {
    lengths[u] = (await ctx.client.workflow.getHandle(`cashback-${prefix}${u}`).describe()).historyLength;
  });
  return lengths;
}
