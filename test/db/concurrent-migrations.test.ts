// Several workers starting at once against an empty database: the migrations are applied exactly once, without error.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningPostgres } from '../../tools/infra/postgres.ts';
import { migrateDatabase } from '../../src/db/orm.ts';
import { withSession } from '../../src/db/pg-session.ts';
import { isolatedDatabaseOn } from '../support/database.ts';
import { startWorkerProcess, type WorkerProcess } from '../../tools/infra/worker-process.ts';
import { startTestDevServer, type TestServer } from '../../tools/infra/test-servers.ts';

/** Every migration, in the order they apply. */
const MIGRATIONS = [
  '20261124000000_initial_schema',
  '20261125000000_double_entry',
  '20261126000000_program_versions',
  '20261126120000_payout_functions',
];

describe('migrations', () => {
  let server: TestServer;
  let database: RunningPostgres;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    [server, database] = await Promise.all([startTestDevServer(), isolatedDatabaseOn(inject('databaseUrl'))]);
  });
  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await server?.teardown();
    await database?.stop();
  });

  it('three workers started together on an empty database: one applies the migrations, all start', async () => {
    const env = { TEMPORAL_ADDRESS: server.address, TEMPORAL_TASK_QUEUE: 'migrations', DATABASE_URL: database.url };
    workers.push(...(await Promise.all([1, 2, 3].map(() => startWorkerProcess(env)))));
    const applied = workers.filter((worker) => worker.output().includes('"msg":"migrations applied"'));
    expect(applied).toHaveLength(1);
    for (const worker of workers) expect(worker.output()).not.toMatch(/"level":"error"|worker failed/);
    const { rows } = await withSession(database.url, (db) => db.query('select name from mikro_orm_migrations'));
    expect(rows.map((row) => row.name)).toEqual(MIGRATIONS);
  });

  it('three migrations at the same instant on an empty database: exactly one applies, none fails', async () => {
    // Processes start too far apart to overlap reliably; in one process the three runs surely do (without the lock, two
    // fail with 'relation "mikro_orm_migrations" already exists').
    const fresh = await isolatedDatabaseOn(inject('databaseUrl'));
    try {
      const results = await Promise.all([1, 2, 3].map(() => migrateDatabase(fresh.url)));
      expect(results.flat()).toEqual(MIGRATIONS);
    } finally {
      await fresh.stop();
    }
  });
});
