// Builds the cashback worker: the same code for the worker process, the tests and the benchmarks.
import type { MikroORM } from '@mikro-orm/postgresql';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { createPayoutActivities } from '../activities/payout-activities.ts';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Libraries every workflow shares instead of initialising its own copy: otherwise each new run and each replay rebuilds
 * zod and luxon, the largest part of a short workflow's cost. The SDK deep-freezes what it shares, so only stateless
 * libraries belong here, never a module whose exported objects change after import (our zod schemas do, lazily).
 */
export const sharedWorkflowModules = ['zod', 'luxon'];

export interface CashbackWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue: string;
  orm: MikroORM;
  /** A prebuilt bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundleCodePath?: string;
  maxCachedWorkflows?: number;
  tuning?: Partial<WorkerOptions>;
}

export function createCashbackWorker(options: CashbackWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue,
    ...(options.workflowBundleCodePath
      ? { workflowBundle: { codePath: options.workflowBundleCodePath } }
      : { workflowsPath, bundlerOptions: { preloadModules: sharedWorkflowModules } }),
    activities: createPayoutActivities(options.orm),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...options.tuning,
  });
}
