// Quarter-end storm: many users reach their payout instant together (their quarter is in the past, so it is due at
// once).
// Time until every user is paid exactly once, payouts/s, worker memory. Baseline: the same number of workflows that run
// one no-op activity (the payout's one transaction, minus the work).
import { addQuarters, firstOpenQuarter, monthsOfQuarter } from '../../src/domain/calendar.ts';
import { DEFAULT_PROGRAM } from '../../src/domain/config.ts';
import type { BenchContext } from '../context.ts';
import { memoryMiB, row, runConcurrent, until, type Row } from '../support.ts';

export async function storm(ctx: BenchContext): Promise<Row[]> {
  const users = ctx.stormUsers ?? (ctx.quick ? 300 : 10_000);
  // The quarter most recently closed: its payout is due now, and it is the only one each user closes (as at a real
  // quarter end).
  const quarter = addQuarters(
    firstOpenQuarter(Date.now(), DEFAULT_PROGRAM.timeZone, DEFAULT_PROGRAM.settlementGraceDays),
    -1,
  );
  const paidAt = `${monthsOfQuarter(quarter)[1]}-15T12:00:00+02:00`;
  const pid = ctx.worker.child.pid!;

  // The baseline's rate is steady well before 10,000: 2,000 measure it and keep the full run short.
  const baselineUsers = Math.min(users, 2_000);
  ctx.log(`storm: baseline, ${baselineUsers} one-activity no-op workflows`);
  // Both sides are measured the same way: start every workflow, then wait until the last one is done.
  const baselineStarted = performance.now();
  await runConcurrent(baselineUsers, 16, (i) =>
    ctx.client.workflow.start('payoutLikeWorkflow', {
      workflowId: `payout-like-${ctx.tag}-${i}`,
      taskQueue: ctx.noopQueue,
    }),
  );
  await until(
    async () =>
      (await ctx.client.workflow.count(`WorkflowType="payoutLikeWorkflow" AND ExecutionStatus="Completed"`)).count >=
      baselineUsers,
    'every baseline workflow',
    30 * 60_000,
    500,
  );
  const baseline = { rate: baselineUsers / ((performance.now() - baselineStarted) / 1000) };

  ctx.log(`storm: ${users} users whose ${quarter} payout is due now`);
  const prefix = `storm-${ctx.tag}-`;
  const paidCount = async () =>
    Number(
      (await ctx.pool.query('select count(*) from ledger_entry where user_id like $1', [`${prefix}%`])).rows[0].count,
    );
  const rssBefore = memoryMiB(pid);
  let rssAtThousand = Number.NaN;
  const started = performance.now();
  const starting = runConcurrent(users, 16, (i) => {
    const user = `${prefix}${i}`;
    return ctx.cashback.importHistory(user, quarter, [
      {
        type: 'payment',
        event: {
          paymentId: `${user}-1`,
          userId: user,
          amount: { cents: 10_000 + i, currency: 'EUR' },
          kind: 'online',
          fundingAccount: 'seqr_account',
          occurredAt: paidAt,
        },
      },
    ]);
  });
  let lastReport = 0;
  await until(
    async () => {
      const paid = await paidCount();
      if (Number.isNaN(rssAtThousand) && paid >= Math.min(1_000, users)) rssAtThousand = memoryMiB(pid);
      if (paid - lastReport >= 1_000) {
        lastReport = paid;
        ctx.log(
          `storm: ${paid}/${users} paid after ${((performance.now() - started) / 1000).toFixed(0)} s, worker RSS ${memoryMiB(pid).toFixed(0)} MiB`,
        );
      }
      return paid >= users;
    },
    'every storm payout',
    30 * 60_000,
    500,
  );
  await starting;
  const seconds = (performance.now() - started) / 1000;
  const rssAfter = memoryMiB(pid);
  const duplicates = Number(
    (
      await ctx.pool.query(
        'select count(*) from (select user_id from ledger_entry where user_id like $1 group by user_id having count(*) > 1) d',
        [`${prefix}%`],
      )
    ).rows[0].count,
  );
  if (duplicates > 0) throw new Error(`storm: ${duplicates} users were paid more than once`);

  return [
    row({
      case: 'storm',
      metric: `payouts/s (${users} users)`,
      value: users / seconds,
      unit: '/s',
      baseline: { name: `no-op 1-activity workflows (${baselineUsers})`, value: baseline.rate },
    }),
    row({
      case: 'storm',
      metric: 'time to pay everyone',
      value: seconds,
      unit: 's',
      note: `target < 600 s at 10,000 users; paid exactly once: ${users}, duplicates: ${duplicates}`,
    }),
    row({
      case: 'storm',
      metric: 'worker RSS after',
      value: rssAfter,
      unit: 'MiB',
      baseline: { name: `RSS at ${Math.min(1_000, users)} paid`, value: rssAtThousand },
      note: `before: ${rssBefore.toFixed(0)} MiB`,
    }),
  ];
}
