// `npm run notify`: delivers payout notifications from the outbox to NOTIFY_WEBHOOK_URL, signed with
// NOTIFY_WEBHOOK_SECRET. Without a webhook it waits and delivers nothing: rows stay in the outbox for
// `npm run cli -- notifications`. npm start runs one; compose has a service. Several may run: they claim rows with
// SKIP LOCKED.
import type { LogLevel } from '@temporalio/worker';
import pg from 'pg';
import { readEnvironment } from '../config/environment.ts';
import { LOCAL_DATABASE_URL } from '../config/local-database.ts';
import { createLogger, defaultLogFormat } from './logger.ts';
import { Deliverer } from '../notifications/deliverer.ts';
import { runMain } from './run-main.ts';

await runMain('notifier', async () => {
  const env = readEnvironment();
  const logger = createLogger(env.LOG_LEVEL as LogLevel, env.LOG_FORMAT ?? defaultLogFormat());
  if (env.NOTIFY_WEBHOOK_URL && !env.NOTIFY_WEBHOOK_SECRET)
    throw new Error(
      'NOTIFY_WEBHOOK_SECRET is required with NOTIFY_WEBHOOK_URL: receivers verify the signature with it',
    );
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  if (!env.NOTIFY_WEBHOOK_URL || !env.NOTIFY_WEBHOOK_SECRET) {
    logger.info('notifier ready: no NOTIFY_WEBHOOK_URL, so notifications stay in the outbox (cli notifications)');
    // Idle until stopped; the timer keeps the event loop (and so the process, which npm start watches) alive.
    const keepAlive = setInterval(() => {}, 60_000);
    await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
    clearInterval(keepAlive);
    return;
  }
  const db = new pg.Pool({ connectionString: env.DATABASE_URL ?? LOCAL_DATABASE_URL, max: 4 });
  db.on('error', () => {}); // an idle connection lost with the database; the next query reports it
  const deliverer = new Deliverer({
    db,
    webhookUrl: env.NOTIFY_WEBHOOK_URL,
    secret: env.NOTIFY_WEBHOOK_SECRET,
    retryBaseMs: env.NOTIFY_RETRY_BASE_MS,
    retryMaxMs: env.NOTIFY_RETRY_MAX_MS,
    timeoutMs: env.NOTIFY_TIMEOUT_MS,
    batchSize: env.NOTIFY_BATCH_SIZE,
    log: (message, fields) => logger.info(message, fields),
  });
  logger.info(`notifier ready: delivering payout notifications to ${new URL(env.NOTIFY_WEBHOOK_URL).origin}`);
  await deliverer.run(stop.signal);
  await db.end();
  logger.info('notifier stopped', { delivered: deliverer.delivered, failedAttempts: deliverer.failedAttempts });
});
