// `npm run migrate`: applies the database migrations and exits; compose runs it once before the workers start. Safe to
// run beside workers (they migrate at start too, taking turns on an advisory lock).
import { readEnvironment } from '../config/environment.ts';
import { migrateDatabase } from './orm.ts';

try {
  const env = readEnvironment();
  if (!env.DATABASE_URL) throw new Error('DATABASE_URL is required');
  const applied = await migrateDatabase(env.DATABASE_URL);
  console.log(
    applied.length ? `migrations applied: ${applied.join(', ')}` : 'database up to date: no migration to apply',
  );
} catch (error) {
  console.error(`migrate failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
