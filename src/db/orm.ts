// MikroORM on PostgreSQL: one configuration for the worker, the CLI, the tests and the MikroORM CLI
// (mikro-orm.config.ts).
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { DEFAULT_DATABASE_POOL_MAX } from '../config/defaults.ts';
import { withSession } from './pg-session.ts';
import { LedgerEntry } from './entities/ledger-entry.ts';
import { QuarterStatementRecord } from './entities/quarter-statement-record.ts';
import { PayoutNotification } from './entities/payout-notification.ts';
import { Posting } from './entities/posting.ts';
import { PublishedProgramVersion } from './entities/published-program-version.ts';
import { SeqrAccount } from './entities/seqr-account.ts';
import { DoubleEntry } from './migrations/double-entry.ts';
import { InitialSchema } from './migrations/initial-schema.ts';
import { PayoutFunctions } from './migrations/payout-functions.ts';
import { ProgramVersions } from './migrations/program-versions.ts';

export const entities = [
  SeqrAccount,
  LedgerEntry,
  Posting,
  PayoutNotification,
  QuarterStatementRecord,
  PublishedProgramVersion,
];

export function ormConfig(databaseUrl: string, options: { poolMax?: number } = {}): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    // Migrations are listed here, not discovered from files: the same list runs from source and from a container.
    migrations: {
      migrationsList: [InitialSchema, DoubleEntry, ProgramVersions, PayoutFunctions],
      snapshot: false,
      silent: true,
    },
    // The migrations own the ledger's triggers (a deferred balance check, append-only guards) and the payout
    // functions, which MikroORM's entity definitions do not express; the schema diff leaves them alone.
    schemaGenerator: { ignoreTriggers: true, ignoreRoutines: true },
    pool: { min: 0, max: options.poolMax ?? DEFAULT_DATABASE_POOL_MAX },
    debug: false,
  });
}

export function openOrm(databaseUrl: string, options: { poolMax?: number } = {}): Promise<MikroORM> {
  return MikroORM.init(ormConfig(databaseUrl, options));
}

/** Any constant shared by every process of the engine: the advisory lock that serialises migrations. */
const MIGRATION_LOCK = 0x5eec_ba4c;

/**
 * Applies pending migrations; returns the names applied. Several workers starting at once take turns on a PostgreSQL
 * advisory lock, so the first applies them and the others find nothing to do.
 */
export async function migrate(orm: MikroORM): Promise<string[]> {
  // The lock belongs to this session: closing it (withSession always does) releases it.
  return withSession(orm.config.get('clientUrl')!, async (lock) => {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await orm.migrator.up();
    return applied.map((migration) => migration.name);
  });
}

/** Opens the database, applies pending migrations and closes it again; returns the names applied. */
export async function migrateDatabase(databaseUrl: string): Promise<string[]> {
  const orm = await openOrm(databaseUrl, { poolMax: 1 });
  try {
    return await migrate(orm);
  } finally {
    await orm.close();
  }
}
