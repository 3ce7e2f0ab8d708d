// `npm run migrate`: applies the database migrations and exits; compose runs it once before the workers start. Safe to
// run beside workers (they migrate at start too, taking turns on an advisory lock).
import type { LogLevel } from '@temporalio/worker';
import { readEnvironment } from '../config/environment.ts';
import { migrateDatabase } from '../db/orm.ts';
import { createLogger, defaultLogFormat } from './logger.ts';
import { runMain } from './run-main.ts';

await runMain('migrate', async () => {
  const env = readEnvironment();
  const logger = createLogger(env.LOG_LEVEL as LogLevel, env.LOG_FORMAT ?? defaultLogFormat());
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required');
  const applied = await migrateDatabase(env.DATABASE_URL);
  logger.info(applied.length ? 'migrations applied' : 'database up to date: no migration to apply', { applied });
});
