// `rollout ...`: Worker Versioning for operators: which build is current or ramping, how many runs each build still
// holds pinned, whether it can be retired; promote, ramp, and wake pinned runs so they move now. The Temporal CLI
// (`temporal worker deployment ...`) does the rest; docs/releasing.md is the runbook.
import {
  DEPLOYMENT_NAME,
  describeDeployment,
  nudgePinnedRuns,
  rampBuild,
  setCurrentBuild,
} from '../../rollout/worker-deployment.ts';
import type { CliContext } from '../context.ts';
import { printJson, printPairs, printTable, UsageError } from '../output.ts';

export async function rolloutStatusCommand(ctx: CliContext, options: { json?: boolean }): Promise<void> {
  const deployment = await describeDeployment(await ctx.temporal());
  if (options.json) return printJson(deployment ?? null);
  if (!deployment) {
    process.stdout.write(`no versioned worker of deployment ${DEPLOYMENT_NAME} has polled yet\n`);
    return;
  }
  printPairs([
    ['deployment', DEPLOYMENT_NAME],
    ['current', deployment.current ?? 'none (new runs wait for one)'],
    ['ramping', deployment.ramping ? `${deployment.ramping.buildId} (${deployment.ramping.percentage} %)` : 'none'],
  ]);
  printTable(
    ['build', 'status', 'pinned runs', 'retirable', 'created'],
    deployment.builds.map((b) => [b.buildId, b.status, b.pinnedRuns, b.retirable ? 'yes' : 'no', b.createdAt ?? '']),
  );
}

export async function rolloutPromoteCommand(
  ctx: CliContext,
  buildId: string,
  options: { json?: boolean },
): Promise<void> {
  const outcome = await setCurrentBuild(await ctx.temporal(), buildId);
  if (options.json) return printJson({ buildId, outcome });
  process.stdout.write(
    outcome === 'already'
      ? `${buildId} is already current\n`
      : `${buildId} is current: new runs start on it, pinned runs move to it at their next wake-up\n`,
  );
}

export async function rolloutRampCommand(
  ctx: CliContext,
  buildId: string,
  percentage: string,
  options: { json?: boolean },
): Promise<void> {
  const percent = Number(percentage);
  if (!Number.isFinite(percent) || percent < 0 || percent > 100)
    throw new UsageError(`percentage must be a number from 0 to 100, not ${percentage}`);
  await rampBuild(await ctx.temporal(), percent === 0 ? undefined : buildId, percent);
  if (options.json) return printJson({ buildId, percentage: percent });
  process.stdout.write(percent === 0 ? 'ramp ended\n' : `${buildId} ramping at ${percent} %\n`);
}

export async function rolloutNudgeCommand(
  ctx: CliContext,
  buildId: string,
  options: { json?: boolean },
): Promise<void> {
  const client = await ctx.temporal();
  const woken = await nudgePinnedRuns(client, buildId, (n) => {
    if (!options.json && process.stderr.isTTY) process.stderr.write(`\rwoken ${n}`);
  });
  if (options.json) return printJson({ buildId, woken });
  process.stdout.write(`\rwoke ${woken} runs pinned to ${buildId}: each moves to the current build now\n`);
}
