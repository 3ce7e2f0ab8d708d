// The baseline worker for the benchmarks: same server, same SDK, workflows and activities that do nothing but count.
// Unencrypted on purpose (the SDK's default data converter, no payload codec): it is Temporal's own floor, so a ratio
// against it includes what our encryption costs; the encryption case measures that cost alone (cases/encryption.ts).
// Its clients are BenchContext.plainClient.
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_CACHED_WORKFLOWS, STICKY_QUEUE_TIMEOUT } from '../src/worker/tuning.ts';

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: ['SIGINT', 'SIGTERM'] });
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await Worker.create({
  connection,
  taskQueue: process.env.TEMPORAL_TASK_QUEUE!,
  workflowsPath: fileURLToPath(new URL('./noop-workflows.ts', import.meta.url)),
  activities: { async noop(): Promise<void> {} },
  // The same settings as ours (src/worker/tuning.ts): only the workflows and activities differ.
  maxCachedWorkflows: DEFAULT_MAX_CACHED_WORKFLOWS,
  stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
});
console.log('worker ready');
await worker.run();
await connection.close();
