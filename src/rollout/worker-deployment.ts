// The engine's Worker Deployment: its name, the build id of this code, and what a rollout reads and changes on the
// server (current and ramping build, runs still pinned to each build, drainage). The worker, the CLI and the tests
// share it. docs/releasing.md is the runbook.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { wakeSignal } from '../workflows/definitions.ts';

export const DEPLOYMENT_NAME = 'seqr-cashback';

const { RoutingConfigUpdateState, VersionDrainageStatus, WorkerDeploymentVersionStatus } = proto.temporal.api.enums.v1;

/** The release in package.json. */
export const RELEASE: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * This code's build id: the release and the commit (`1.0.0+b14f8e6c1d2e`). The commit comes from GIT_COMMIT (the image
 * is built with it) or from git; without either the release alone names the build.
 */
export function buildIdOf(env: { GIT_COMMIT?: string | undefined } = process.env): string {
  const commit = env.GIT_COMMIT?.trim() || gitCommit();
  return commit ? `${RELEASE}+${commit.slice(0, 12)}` : RELEASE;
}

function gitCommit(): string | undefined {
  try {
    const root = new URL('../../', import.meta.url);
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

/** The value of Temporal's TemporalWorkerDeploymentVersion search attribute for a build. */
export function versionKey(buildId: string): string {
  return `${DEPLOYMENT_NAME}:${buildId}`;
}

export interface BuildSummary {
  buildId: string;
  /** current, ramping, draining, drained or inactive, as the server reports it. */
  status: string;
  /** Open runs pinned to this build, counted now (the server's drainage status refreshes every few minutes). */
  pinnedRuns: number;
  /** Drained and not current or ramping: its workers may stop. */
  retirable: boolean;
  createdAt?: string;
}

export interface DeploymentSummary {
  current?: string;
  /** When the current build became current (the server's clock). */
  currentSince?: string;
  ramping?: { buildId: string; percentage: number };
  builds: BuildSummary[];
}

const statusNames: Record<number, string> = {
  [WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_INACTIVE]: 'inactive',
  [WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_CURRENT]: 'current',
  [WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_RAMPING]: 'ramping',
  [WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINING]: 'draining',
  [WorkerDeploymentVersionStatus.WORKER_DEPLOYMENT_VERSION_STATUS_DRAINED]: 'drained',
};

/** The server's record of the deployment; undefined before any versioned worker of ours has polled. */
async function deploymentInfo(client: Client) {
  try {
    const { workerDeploymentInfo } = await client.workflowService.describeWorkerDeployment({
      namespace: client.options.namespace,
      deploymentName: DEPLOYMENT_NAME,
    });
    return workerDeploymentInfo ?? undefined;
  } catch (error) {
    if ((error as { code?: number }).code === 5) return undefined; // NOT_FOUND
    throw error;
  }
}

type VersionSummary = NonNullable<NonNullable<Awaited<ReturnType<typeof deploymentInfo>>>['versionSummaries']>[number];

function buildIdOfSummary(summary: VersionSummary): string {
  return summary.deploymentVersion?.buildId ?? (summary.version ?? '').split('.').slice(1).join('.');
}

/** The deployment as the server sees it, with the runs pinned to each build; undefined before any worker polled. */
export async function describeDeployment(client: Client): Promise<DeploymentSummary | undefined> {
  const info = await deploymentInfo(client);
  if (!info) return undefined;
  const routing = info.routingConfig;
  const builds = await Promise.all(
    (info.versionSummaries ?? []).map(async (summary): Promise<BuildSummary> => {
      const buildId = buildIdOfSummary(summary);
      const status = statusNames[summary.status ?? 0] ?? 'unknown';
      const drained =
        summary.drainageStatus === VersionDrainageStatus.VERSION_DRAINAGE_STATUS_DRAINED || status === 'drained';
      const pinnedRuns = await countPinnedRuns(client, buildId);
      return {
        buildId,
        status,
        pinnedRuns,
        retirable: (drained || status === 'inactive') && pinnedRuns === 0,
        ...(summary.createTime?.seconds ? { createdAt: timestamp(summary.createTime.seconds) } : {}),
      };
    }),
  );
  const ramping = routing?.rampingDeploymentVersion?.buildId;
  return {
    ...(routing?.currentDeploymentVersion?.buildId ? { current: routing.currentDeploymentVersion.buildId } : {}),
    ...(routing?.currentVersionChangedTime?.seconds
      ? { currentSince: timestamp(routing.currentVersionChangedTime.seconds) }
      : {}),
    ...(ramping ? { ramping: { buildId: ramping, percentage: routing?.rampingVersionPercentage ?? 0 } } : {}),
    builds: builds.sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '')),
  };
}

function timestamp(seconds: number | { toNumber(): number }): string {
  return new Date((typeof seconds === 'number' ? seconds : seconds.toNumber()) * 1000).toISOString();
}

/** The visibility query of the open runs pinned to a build: what the server's own drainage check counts. */
export function pinnedRunsQuery(buildId: string, also?: string): string {
  return (
    `TemporalWorkerDeploymentVersion = '${versionKey(buildId)}' AND ` +
    `TemporalWorkflowVersioningBehavior = 'Pinned' AND ExecutionStatus = 'Running'${also ? ` AND ${also}` : ''}`
  );
}

/** `also`: a further visibility filter (for example `WorkflowId STARTS_WITH '...'`). */
export async function countPinnedRuns(client: Client, buildId: string, also?: string): Promise<number> {
  return (await client.workflow.count(pinnedRunsQuery(buildId, also))).count;
}

/**
 * Makes `buildId` the deployment's current build once its workers poll (the server refuses a build it has not seen).
 * `onlyIfNone`: leave an existing current build alone (a first deploy).
 */
export async function setCurrentBuild(
  client: Client,
  buildId: string,
  { onlyIfNone = false, timeoutMs = 60_000 } = {},
): Promise<'set' | 'kept' | 'already'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // The routing and the builds only: the pinned-run counts of describeDeployment are not needed here.
    const info = await deploymentInfo(client);
    const current = info?.routingConfig?.currentDeploymentVersion?.buildId;
    if (current === buildId) return 'already';
    if (current && onlyIfNone) return 'kept';
    let refused: string | undefined;
    if (info?.versionSummaries?.some((summary) => buildIdOfSummary(summary) === buildId)) {
      try {
        await client.workflowService.setWorkerDeploymentCurrentVersion({
          namespace: client.options.namespace,
          deploymentName: DEPLOYMENT_NAME,
          buildId,
          identity: 'seqr-cashback rollout',
        });
        await routingPropagated(client, deadline);
        return 'set';
      } catch (error) {
        // FAILED_PRECONDITION: its workers have not polled every task queue of the current build yet.
        if ((error as { code?: number }).code !== 9) throw error;
        refused = (error as Error).message;
      }
    }
    if (Date.now() > deadline)
      throw new Error(
        refused ?? `build ${buildId} has no worker polling deployment ${DEPLOYMENT_NAME}: start its workers first`,
      );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Ramps `percentage` % of new runs (and of runs that continue as new) to `buildId`; 0 ends the ramp. */
export async function rampBuild(client: Client, buildId: string | undefined, percentage: number): Promise<void> {
  await client.workflowService.setWorkerDeploymentRampingVersion({
    namespace: client.options.namespace,
    deploymentName: DEPLOYMENT_NAME,
    ...(buildId ? { buildId } : {}),
    percentage,
    identity: 'seqr-cashback rollout',
  });
  await routingPropagated(client, Date.now() + 60_000);
}

/**
 * Waits until the server has taken a routing change to every task queue of the deployment: until then a new run may
 * still start on the build that was current. (Servers before 1.30 do not report it.)
 */
async function routingPropagated(client: Client, deadline: number): Promise<void> {
  for (;;) {
    const info = await deploymentInfo(client);
    if (info?.routingConfigUpdateState !== RoutingConfigUpdateState.ROUTING_CONFIG_UPDATE_STATE_IN_PROGRESS) return;
    if (Date.now() > deadline)
      throw new Error(`the switch of deployment ${DEPLOYMENT_NAME} has not reached every task queue yet`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Wakes every open run pinned to `buildId`, so that each moves to the current build now (docs/releasing.md). */
export async function nudgePinnedRuns(
  client: Client,
  buildId: string,
  onProgress: (woken: number) => void = () => undefined,
  also?: string,
): Promise<number> {
  let woken = 0;
  const batch: Promise<void>[] = [];
  for await (const run of client.workflow.list({ query: pinnedRunsQuery(buildId, also) })) {
    batch.push(
      client.workflow
        .getHandle(run.workflowId)
        .signal(wakeSignal)
        .then(() => onProgress(++woken)),
    );
    if (batch.length >= 32) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  return woken;
}
