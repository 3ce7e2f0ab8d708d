// Quarter-end storm, spread: each user's payout at a stable offset inside a payout window (10 minutes here, the day
// scaled down). Payout lag from scheduled instant to credited, and the peak rate demanded against the rate achieved.
// Target: p99 lag ≤ 10 s at 10,000 users over 10 minutes. The burst (window 0) is the storm case beside it.
import type { BenchContext } from '../context.ts';
import { runStorm } from '../storm-run.ts';
import { row, type Row } from '../support.ts';

export async function spread(ctx: BenchContext): Promise<Row[]> {
  const users = ctx.stormUsers ?? (ctx.quick ? 300 : 10_000);
  const windowMinutes = ctx.quick ? 1 : 10;
  const result = await runStorm(ctx, { users, windowMinutes, name: 'spread', workerPids: [ctx.worker.child.pid!] });
  if (result.duplicates > 0) throw new Error(`spread: ${result.duplicates} users were paid more than once`);
  const label = `${users} users, ${windowMinutes}-min window`;
  return [
    row({
      case: 'spread',
      metric: `payout lag p99 (${label})`,
      value: result.lagMs.p99 / 1000,
      unit: 's',
      note: `target ≤ 10 s; p50 ${(result.lagMs.p50 / 1000).toFixed(2)} s, max ${(result.lagMs.max / 1000).toFixed(1)} s; due before loaded: ${result.dueBeforeLoaded}`,
    }),
    row({
      case: 'spread',
      metric: 'peak payouts/s achieved',
      value: result.peakAchievedPerSecond,
      unit: '/s',
      baseline: { name: 'peak demanded (10-s buckets)', value: result.peakDemandedPerSecond },
      note: `average demanded ${(users / (windowMinutes * 60)).toFixed(1)}/s; all paid ${result.seconds.toFixed(0)} s after the window opened`,
    }),
    row({
      case: 'spread',
      metric: 'worker RSS peak',
      value: result.rssMiB.peak,
      unit: 'MiB',
      note: `before ${result.rssMiB.before.toFixed(0)} MiB`,
    }),
  ];
}
