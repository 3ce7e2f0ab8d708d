// For tests that write the books directly: a migrated database of the test file's own, the payout activities run
// outside a worker, and hand-made statements for them.
import type { MikroORM } from '@mikro-orm/postgresql';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, inject } from 'vitest';
import { migrateDatabase, openOrm } from '../../src/db/orm.ts';
import type { QuarterStatement } from '../../src/domain/statement-types.ts';
import type { RunningPostgres } from '../../tools/infra/postgres.ts';
import { isolatedDatabaseOn } from './database.ts';

/**
 * A migrated database on the tests' server for this file alone, with an ORM on it, dropped after the file: books written
 * by hand (or credits without statements) never reach the shared database that other suites reconcile.
 */
export function ownDatabase(): { readonly url: string; readonly orm: MikroORM } {
  let database: RunningPostgres | undefined;
  let orm: MikroORM | undefined;
  beforeAll(async () => {
    database = await isolatedDatabaseOn(inject('databaseUrl'));
    await migrateDatabase(database.url);
    orm = await openOrm(database.url);
  });
  afterAll(async () => {
    await orm?.close();
    await database?.stop();
  });
  return {
    get url() {
      return database!.url;
    },
    get orm() {
      return orm!;
    },
  };
}

/** Runs a real activity function inside an activity context (for its logger), outside any worker. */
export const inActivity = <T>(fn: () => Promise<T>): Promise<T> => new MockActivityEnvironment().run(fn) as Promise<T>;

/** A statement with nothing due, for the outcomes a test sets in `fields` (amounts in hundredths of a cent). */
export function handMadeStatement(
  userId: string,
  fields: Partial<QuarterStatement> = {},
  quarter = '2027-Q1',
): QuarterStatement {
  return {
    userId,
    quarter,
    programVersion: 1,
    closedAt: '2027-04-04T00:00:00.000Z',
    lines: [],
    adjustments: [],
    carriedIn: 0,
    total: 0,
    roundedCents: 0,
    payableCents: 0,
    carriedOut: 0,
    forfeited: 0,
    minimumPolicy: 'carry-forward',
    outcome: 'nothing_due',
    ...fields,
  };
}

/** A statement that pays `cents`. */
export function payableStatement(userId: string, cents: number, quarter = '2027-Q1'): QuarterStatement {
  return handMadeStatement(
    userId,
    { total: cents * 100, roundedCents: cents, payableCents: cents, outcome: 'payable' },
    quarter,
  );
}
