// Workers as a scale axis: the same burst with one worker process, then with two on the same task queue. On a 2-core
// machine that already runs PostgreSQL and the Temporal server this shows what a second worker costs, not a speed-up.
import { startWorkerProcess } from '../../tools/infra/worker-process.ts';
import type { BenchContext } from '../context.ts';
import { runStorm } from '../storm-run.ts';
import { row, type Row } from '../support.ts';

export async function workers(ctx: BenchContext): Promise<Row[]> {
  const users = ctx.quick ? 200 : 1_000;
  const one = await runStorm(ctx, { users, windowMinutes: 0, name: 'workers1', workerPids: [ctx.worker.child.pid!] });
  const second = await startWorkerProcess(ctx.workerEnv);
  try {
    const two = await runStorm(ctx, {
      users,
      windowMinutes: 0,
      name: 'workers2',
      workerPids: [ctx.worker.child.pid!, second.child.pid!],
    });
    const duplicates = one.duplicates + two.duplicates;
    if (duplicates > 0) throw new Error(`workers: ${duplicates} users were paid more than once`);
    return [
      row({ case: 'workers', metric: `payouts/s, 1 worker (${users} users)`, value: one.payoutsPerSecond, unit: '/s' }),
      row({
        case: 'workers',
        metric: `payouts/s, 2 workers (${users} users)`,
        value: two.payoutsPerSecond,
        unit: '/s',
        baseline: { name: '1 worker', value: one.payoutsPerSecond },
        note: `RSS of both ${two.rssMiB.peak.toFixed(0)} MiB at peak (one: ${one.rssMiB.peak.toFixed(0)} MiB)`,
      }),
    ];
  } finally {
    await second.stop();
  }
}
