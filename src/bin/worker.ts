// The worker process: config from the environment, migrations, the cashback worker, graceful shutdown on
// SIGTERM/SIGINT.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, type LogLevel } from '@temporalio/worker';
import { dataConverterOf } from '../codec/data-converter.ts';
import { plaintextPayloadObserver } from '../codec/plaintext-payloads.ts';
import { readEnvironment } from '../config/environment.ts';
import { migrate, openOrm } from '../db/orm.ts';
import { publishProgram } from '../db/published-program.ts';
import { buildIdOf, setCurrentBuild } from '../rollout/worker-deployment.ts';
import { createCashbackWorker } from '../worker/create-worker.ts';
import { createLogger, defaultLogFormat } from './logger.ts';
import { runMain } from './run-main.ts';

await runMain('worker', async () => {
  const env = readEnvironment();
  if (!env.DATABASE_URL)
    throw new Error('DATABASE_URL is required (npm start provides one; see docs/configuration.md)');
  Runtime.install({
    logger: createLogger(env.LOG_LEVEL as LogLevel, env.LOG_FORMAT ?? defaultLogFormat()),
    // The SDK stops every worker on these signals and lets in-flight tasks finish.
    shutdownSignals: ['SIGINT', 'SIGTERM'],
    telemetryOptions: {
      logging: { forward: {}, filter: env.LOG_LEVEL === 'TRACE' || env.LOG_LEVEL === 'DEBUG' ? 'INFO' : 'WARN' },
      ...(env.METRICS_PORT ? { metrics: { prometheus: { bindAddress: `0.0.0.0:${env.METRICS_PORT}` } } } : {}),
    },
  });
  const log = Runtime.instance().logger;
  const dataConverter = dataConverterOf(env, plaintextPayloadObserver(Runtime.instance()));
  const orm = await openOrm(env.DATABASE_URL, { poolMax: env.DATABASE_POOL_MAX });
  const applied = await migrate(orm);
  if (applied.length) log.info('migrations applied', { applied });
  const published = await publishProgram(orm);
  if (published.length) log.info('program versions published', { versions: published });
  const connection = await NativeConnection.connect(env.temporal.connectionOptions);
  const buildId = env.WORKER_VERSIONING === 'on' ? (env.WORKER_BUILD_ID ?? buildIdOf(env)) : undefined;
  try {
    const worker = await createCashbackWorker({
      connection,
      namespace: env.temporal.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      orm,
      dataConverter,
      maxCachedWorkflows: env.MAX_CACHED_WORKFLOWS,
      buildId,
      ...(env.WORKFLOW_BUNDLE_PATH ? { workflowBundleCodePath: env.WORKFLOW_BUNDLE_PATH } : {}),
    });
    const running = worker.run();
    // The server takes a build as current only once it has seen its workers poll: after run(), not before.
    let current: string | undefined;
    try {
      if (buildId && env.WORKER_SET_CURRENT !== 'never') current = await becomeCurrent(env, buildId);
    } catch (error) {
      worker.shutdown();
      await running;
      throw error;
    }
    log.info('worker ready', {
      address: env.temporal.address,
      namespace: env.temporal.namespace,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      build: buildId ? `${buildId}${current ? ` (${current})` : ''}` : 'unversioned',
      metrics: env.METRICS_PORT ? `http://localhost:${env.METRICS_PORT}/metrics` : 'off',
    });
    await running;
    log.info('worker stopped cleanly');
  } finally {
    await connection.close();
    await orm.close();
  }
});

/** WORKER_SET_CURRENT: makes this build the deployment's current one (always, or on a first deploy only). */
async function becomeCurrent(env: ReturnType<typeof readEnvironment>, buildId: string): Promise<string> {
  const connection = await Connection.connect(env.temporal.connectionOptions);
  try {
    const client = new Client({ connection, namespace: env.temporal.namespace, dataConverter: dataConverterOf(env) });
    const outcome = await setCurrentBuild(client, buildId, { onlyIfNone: env.WORKER_SET_CURRENT === 'first' });
    return { set: 'made current', kept: 'another build is current', already: 'current' }[outcome];
  } finally {
    await connection.close();
  }
}
