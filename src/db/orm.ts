// MikroORM on PostgreSQL: one configuration for the worker, the CLI and the tests.
import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { LedgerEntry } from './entities/ledger-entry.ts';
import { QuarterStatementRecord } from './entities/quarter-statement-record.ts';
import { SeqrAccount } from './entities/seqr-account.ts';
import { InitialSchema } from './migrations/initial-schema.ts';

export const entities = [SeqrAccount, LedgerEntry, QuarterStatementRecord];

export async function openOrm(databaseUrl: string, options: { poolMax?: number } = {}): Promise<MikroORM> {
  return MikroORM.init({
    clientUrl: databaseUrl,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList: [InitialSchema], snapshot: false, silent: true },
    pool: { min: 0, max: options.poolMax ?? 10 },
    debug: false,
  });
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.migrator.up();
  return applied.map((migration) => migration.name);
}
