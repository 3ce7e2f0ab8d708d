// A storm on the production shape under faults: PostgreSQL, temporal-server on it, `workers` worker processes; every
// user's payout falls due inside a short window while the nemesis kills workers and restarts both servers, and a
// producer keeps recording new payments. Then the books are checked (checks.ts).
import { Client, Connection } from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { programPayingAt } from '../tools/scenarios/program-paying-at.ts';
import { runKeys } from '../bench/payload-keys.ts';
import { ledgerEntries, runConcurrent } from '../bench/support.ts';
import { CashbackClient } from '../src/client/cashback-client.ts';
import { addQuarters, monthsOfQuarter, quarterOfInstant } from '../src/domain/calendar.ts';
import { PROGRAM } from '../src/domain/program-versions.ts';
import { migrateDatabase } from '../src/db/orm.ts';
import { startLocalPostgres } from '../tools/infra/postgres.ts';
import { startTemporalCluster } from '../tools/infra/temporal-cluster.ts';
import { startWorkerProcess, type WorkerProcess } from '../tools/infra/worker-process.ts';
import { checkBooks, type Violation } from './checks.ts';
import { Nemesis, type Fault } from './nemesis.ts';
import { persistently } from './retry.ts';

export interface ChaosOptions {
  users: number;
  workers: number;
  seed: number;
  /** Payouts fall due across this window, and both restarts inside it. */
  windowSeconds: number;
  log(line: string): void;
}

export interface ChaosReport {
  seed: number;
  faults: Fault[];
  /** From the window's start until every user was paid. */
  secondsToPayEveryone: number;
  paidCents: number;
  expectedCents: number;
  violations: Violation[];
  /** Transfers that `reconcile` found balanced and matched to a paid statement. */
  reconciledTransfers: number;
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log } = options;
  const database = await startLocalPostgres();
  await migrateDatabase(database.url);
  const server = await startTemporalCluster({ postgresUrl: database.url });
  const taskQueue = 'chaos-cashback';
  // Payloads encrypted, as in production: one key ring for the run, the same for every worker the nemesis replaces.
  const keys = runKeys('chaos');
  const workerEnv = {
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATABASE_URL: database.url,
    LOG_LEVEL: 'INFO', // the worker says "worker ready" at INFO
    ...keys.env,
  };
  const workers: WorkerProcess[] = [];
  for (let i = 0; i < options.workers; i++) workers.push(await startWorkerProcess(workerEnv));
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: keys.dataConverter });
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => undefined); // idle connections die with the PostgreSQL restart; the pool replaces them
  try {
    const quarter = addQuarters(quarterOfInstant(Date.now(), PROGRAM.timeZone), -1);
    const t0 = Date.now() + 15_000 + options.users * 5;
    const program = programPayingAt(quarter, t0);
    const cashback = new CashbackClient(client, taskQueue, {
      program,
      payoutWindowHours: options.windowSeconds / 3600,
    });
    const user = (i: number) => `chaos-${options.seed}-${i}`;
    const amountCents = (i: number) => 10_000 + (i % 9_000);
    log(`loading ${options.users} users; their ${quarter} payouts fall due over ${options.windowSeconds} s`);
    await runConcurrent(options.users, 32, (i) =>
      cashback.importHistory(user(i), quarter, [
        {
          type: 'payment',
          event: {
            paymentId: `${user(i)}-closed`,
            userId: user(i),
            amount: { cents: amountCents(i), currency: 'EUR' },
            kind: 'online',
            fundingAccount: 'seqr_account',
            occurredAt: `${monthsOfQuarter(quarter)[1]}-15T12:00:00+02:00`,
          },
        },
      ]),
    );
    await sleep(Math.max(0, t0 - Date.now()));

    const nemesis = new Nemesis(
      options.seed,
      {
        workerCount: () => workers.length,
        async killAndReplaceWorker(index) {
          await workers[index]!.stop('SIGKILL');
          workers[index] = await startWorkerProcess(workerEnv);
        },
        restartPostgres: () => database.restart!(),
        restartTemporal: () => server.restart!(),
      },
      options.windowSeconds,
      (line) => log(line),
    );
    nemesis.start();
    // Meanwhile every user makes one more payment, in the open quarter: none may be lost.
    const producing = runConcurrent(options.users, 4, (i) =>
      persistently(() =>
        cashback.recordPayment({
          paymentId: `${user(i)}-open`,
          userId: user(i),
          amount: { cents: 2_500, currency: 'EUR' },
          kind: 'in_store',
          fundingAccount: 'seqr_account',
          occurredAt: new Date().toISOString(),
        }),
      ),
    );
    const paid = () => ledgerEntries(pool, `chaos-${options.seed}-`);
    let reported = 0;
    for (;;) {
      const count = await paid().catch(() => reported);
      if (count - reported >= Math.ceil(options.users / 10) || count >= options.users) {
        log(`${count}/${options.users} paid, ${((Date.now() - t0) / 1000).toFixed(0)} s after the window opened`);
        reported = count;
      }
      if (count >= options.users) break;
      await sleep(500);
    }
    const secondsToPayEveryone = (Date.now() - t0) / 1000;
    await producing;
    const faults = await nemesis.stop();
    log('checking the books');
    const result = await checkBooks({
      databaseUrl: database.url,
      cashback,
      client,
      users: Array.from({ length: options.users }, (_, i) => ({ userId: user(i), closedQuarterCents: amountCents(i) })),
      quarter,
      paymentsEach: 2,
    });
    return { seed: options.seed, faults, secondsToPayEveryone, ...result };
  } finally {
    await pool.end();
    await connection.close();
    for (const worker of workers) await worker.stop();
    await server.stop();
    await database.stop();
  }
}
