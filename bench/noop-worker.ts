// The baseline worker for the benchmarks: same server, same SDK, workflows and activities that do nothing but count.
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';

Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: ['SIGINT', 'SIGTERM'] });
const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
const worker = await Worker.create({
  connection,
  taskQueue: process.env.TEMPORAL_TASK_QUEUE!,
  workflowsPath: fileURLToPath(new URL('./noop-workflows.ts', import.meta.url)),
  activities: { async noop(): Promise<void> {} },
});
console.log('worker ready');
await worker.run();
await connection.close();
