// `npm run ingest`: the HTTP front door as a process of its own (npm start runs one beside the worker; compose too).
import { Client, Connection } from '@temporalio/client';
import type { LogLevel } from '@temporalio/worker';
import { CashbackClient } from '../client/cashback-client.ts';
import { dataConverterOf } from '../codec/data-converter.ts';
import { readEnvironment } from '../config/environment.ts';
import { buildIngestServer } from '../http/server.ts';
import { createLogger, defaultLogFormat } from './logger.ts';
import { runMain } from './run-main.ts';
import { serveUntilStopped } from '../http/serve.ts';
import { requireTokenOffLoopback } from '../http/token.ts';

await runMain('ingest', async () => {
  const env = readEnvironment();
  const logger = createLogger(env.LOG_LEVEL as LogLevel, env.LOG_FORMAT ?? defaultLogFormat());
  requireTokenOffLoopback(env.INGEST_HOST, env.INGEST_TOKEN, 'INGEST_TOKEN');
  const dataConverter = dataConverterOf(env);
  const connection = await Connection.connect(env.temporal.connectionOptions);
  const client = new Client({ connection, namespace: env.temporal.namespace, dataConverter });
  const app = buildIngestServer({
    cashback: new CashbackClient(client, env.TEMPORAL_TASK_QUEUE, { payoutWindowHours: env.PAYOUT_WINDOW_HOURS }),
    connection,
    ...(env.INGEST_TOKEN ? { token: env.INGEST_TOKEN } : {}),
  });
  const url = await serveUntilStopped(app, env.INGEST_HOST, env.INGEST_PORT, () => connection.close());
  logger.info(`HTTP ingestion: ${url} (OpenAPI at /openapi.json${env.INGEST_TOKEN ? ', bearer token required' : ''})`);
});
