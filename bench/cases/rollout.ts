// What a deploy costs: users whose runs are pinned to the current build, a second build made current, then
// `rollout nudge` moves them (each: a wake signal, one workflow task on the old build, continue-as-new, the first task on
// the new one), then a rollback moves them back. The baseline is loading the same users (each: signal-with-start and a
// first task), measured the same way: from the first call until visibility shows every run pinned where expected.
// On the cluster shape only: the dev server (1.29.1) cannot move a run at continue-as-new.
import {
  buildIdOf,
  countPinnedRuns,
  describeDeployment,
  nudgePinnedRuns,
  setCurrentBuild,
} from '../../src/rollout/worker-deployment.ts';
import { startWorkerProcess } from '../../tools/infra/worker-process.ts';
import type { BenchContext } from '../context.ts';
import { memoryMiB } from '../../tools/infra/processes.ts';
import { cpuBetween, engineCpu, row, runConcurrent, until, type Row } from '../support.ts';

export async function rollout(ctx: BenchContext): Promise<Row[]> {
  if (ctx.shape === 'dev')
    return [row({ case: 'rollout', metric: 'skipped on the dev server', value: Number.NaN, unit: '' })];
  const users = ctx.quick ? 100 : 2_000;
  const from = (await describeDeployment(ctx.client))?.current ?? buildIdOf();
  const to = `${from}-next`;
  const prefix = `rollout-${ctx.tag}-`;
  // Only this case's users: earlier cases' users stay where they are.
  const ours = `WorkflowId STARTS_WITH 'cashback-${prefix}'`;
  const pinned = (build: string, atLeast: number) => async () => {
    const n = await countPinnedRuns(ctx.client, build, ours);
    return atLeast === 0 ? n === 0 : n >= atLeast;
  };
  const timeout = 120_000 + users * 100;

  const t0 = performance.now();
  await runConcurrent(users, 16, (i) =>
    ctx.cashback.recordPayment({
      paymentId: `${prefix}${i}-p`,
      userId: `${prefix}${i}`,
      amount: { cents: 1_000, currency: 'EUR' },
      kind: 'online',
      fundingAccount: 'seqr_account',
      occurredAt: new Date().toISOString(),
    }),
  );
  await until(pinned(from, users), `${users} runs on ${from}`, timeout);
  const loadSeconds = (performance.now() - t0) / 1000;
  const onFrom = await countPinnedRuns(ctx.client, from, ours);

  const next = await startWorkerProcess({ ...ctx.workerEnv, WORKER_BUILD_ID: to, WORKER_SET_CURRENT: 'never' });
  const processes = { ...ctx.engine, workers: [...ctx.engine.workers, next.child.pid!] };
  try {
    const move = async (fromBuild: string, toBuild: string) => {
      await setCurrentBuild(ctx.client, toBuild);
      const before = engineCpu(processes);
      const started = performance.now();
      const woken = await nudgePinnedRuns(ctx.client, fromBuild, undefined, ours);
      const nudgeSeconds = (performance.now() - started) / 1000;
      await until(pinned(fromBuild, 0), `every run off ${fromBuild}`, timeout);
      // A moved run is pinned again once its first task on the new build is done.
      await until(pinned(toBuild, woken), `every run on ${toBuild}`, timeout);
      const seconds = (performance.now() - started) / 1000;
      const cpu = cpuBetween(before, engineCpu(processes));
      return { woken, nudgeSeconds, seconds, cpuMsPerRun: ((cpu.server + cpu.postgres + cpu.workers) * 1000) / woken };
    };
    const upgrade = await move(from, to);
    const rssOld = memoryMiB(ctx.worker.child.pid!);
    const rollback = await move(to, from);
    const loadRate = users / loadSeconds;
    return [
      row({
        case: 'rollout',
        metric: `runs moved to a new build /s (${upgrade.woken} pinned runs, nudged)`,
        value: upgrade.woken / upgrade.seconds,
        unit: '/s',
        baseline: { name: 'loading them', value: loadRate },
        note:
          `all moved in ${upgrade.seconds.toFixed(1)} s (the nudge's signals: ${upgrade.nudgeSeconds.toFixed(1)} s); ` +
          `${upgrade.cpuMsPerRun.toFixed(1)} CPU-ms a run (server + PostgreSQL + workers)`,
      }),
      row({
        case: 'rollout',
        metric: `runs moved back /s, a rollback (${rollback.woken} runs)`,
        value: rollback.woken / rollback.seconds,
        unit: '/s',
        baseline: { name: 'loading them', value: loadRate },
        note: `in ${rollback.seconds.toFixed(1)} s; ${rollback.cpuMsPerRun.toFixed(1)} CPU-ms a run`,
      }),
      row({
        case: 'rollout',
        metric: 'old build worker RSS while it drains',
        value: rssOld,
        unit: 'MiB',
        note: `${onFrom} runs were pinned to it`,
      }),
    ];
  } finally {
    await next.stop();
  }
}
