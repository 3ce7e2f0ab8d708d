// Builds the cashback worker: the same code for the worker process, the tests and the benchmarks.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { DataConverter } from '@temporalio/common';
import {
  bundleWorkflowCode,
  NativeConnection,
  Runtime,
  Worker,
  type Logger,
  type WorkerOptions,
} from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_CACHED_WORKFLOWS, STICKY_QUEUE_TIMEOUT } from './tuning.ts';
import { setFlagsFromString } from 'node:v8';
import { createPayoutActivities } from '../activities/payout-activities.ts';
import { DEPLOYMENT_NAME } from '../rollout/worker-deployment.ts';
import { failureConverterPath } from '../codec/data-converter.ts';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Modules every workflow shares instead of evaluating its own copy (shared-libraries.ts): zod, luxon and the zod-free
 * domain, so that a cached run holds its own state and little else (docs/adr/0005-shared-domain-preload-and-memory-caps.md).
 * The SDK deep-freezes what it shares, so only modules whose exported objects never change belong here, never one
 * that builds zod schemas (they memoise lazily); test/worker/bundle.test.ts holds that.
 */
export const sharedWorkflowModules = [fileURLToPath(new URL('../workflows/shared-libraries.ts', import.meta.url))];

export interface CashbackWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  orm: MikroORM;
  /** The processes' one data converter (src/codec/data-converter.ts): encrypted payloads, or in clear when off. */
  dataConverter: DataConverter;
  /** A prebuilt bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundleCodePath?: string;
  maxCachedWorkflows?: number;
  /** Join the seqr-cashback Worker Deployment as this build; unset: an unversioned worker (time-skipping tests). */
  buildId?: string;
  tuning?: Partial<WorkerOptions>;
}

/** A logger for bundling outside a worker (tests, benches): warnings and errors only, to the console. */
export const warningsOnly: Logger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message, meta) => console.warn(message, meta ?? ''),
  error: (message, meta) => console.error(message, meta ?? ''),
};

/** Bundles the workflows, logging one line: the bundler's own report is a multi-kilobyte webpack summary. */
export async function bundleWorkflows(logger: Logger = Runtime.instance().logger): Promise<string> {
  const started = performance.now();
  const quiet: Logger = {
    ...logger,
    log: () => undefined,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
  };
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    preloadModules: sharedWorkflowModules,
    failureConverterPath,
    logger: quiet,
  });
  logger.info('workflow bundle built', {
    sizeKiB: Math.round(code.length / 1024),
    ms: Math.round(performance.now() - started),
  });
  return code;
}

/**
 * The workflow thread's V8 heap limit, in MiB, for a cache of `cachedWorkflows` runs: a base plus 2.5 times what a
 * cached run holds live. Without a limit V8 sizes the heap from the machine's memory and collects lazily, and the
 * worker's RSS grows with it at no gain in speed (docs/adr/0005-shared-domain-preload-and-memory-caps.md).
 */
export function workflowHeapLimitMiB(cachedWorkflows: number): number {
  return Math.ceil(256 + cachedWorkflows * 0.25);
}

export async function createCashbackWorker(options: CashbackWorkerOptions): Promise<Worker> {
  // Applies to isolates created from now on: the workflow thread the SDK is about to start.
  setFlagsFromString(
    `--max-old-space-size=${workflowHeapLimitMiB(options.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS)}`,
  );
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundleCodePath
      ? { codePath: options.workflowBundleCodePath }
      : { code: await bundleWorkflows() },
    activities: createPayoutActivities(options.orm),
    dataConverter: options.dataConverter,
    ...(options.buildId
      ? {
          workerDeploymentOptions: {
            version: { deploymentName: DEPLOYMENT_NAME, buildId: options.buildId },
            useWorkerVersioning: true,
            // The workflow declares its own (PINNED); this covers any workflow that does not.
            defaultVersioningBehavior: 'PINNED',
          },
        }
      : {}),
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...options.tuning,
  });
}
