// Faults against the real dev server, the real worker process and a real PostgreSQL: a worker killed mid-payout, a
// database outage through the quarter-end payout, and a Temporal server restart while events flow. Afterwards the
// ledger and the statements must show every payout exactly once.
import { Client, Connection } from '@temporalio/client';
import { environmentDataConverter } from '../../tools/infra/payload-keys.ts';
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CashbackClient } from '../../src/client/cashback-client.ts';
import { migrateDatabase } from '../../src/db/orm.ts';
import { freePort } from '../../tools/infra/ports.ts';
import { startLocalPostgres, type RunningPostgres } from '../../tools/infra/postgres.ts';
import { startTestDevServer, startTestServer, type Shape, type TestServer } from '../../tools/infra/test-servers.ts';
import { workflowIdFor } from '../../src/workflows/definitions.ts';
import { inSnapshot, isolatedDatabaseOn } from '../support/database.ts';
import { eventually } from '../support/harness.ts';
import { startWorkerProcess, type WorkerProcess } from '../../tools/infra/worker-process.ts';
import { reconciledEventually } from '../support/reconcile.ts';

/** A closed quarter in the past: importing it makes the engine close and pay it at once. */
const quarter = `${new Date().getUTCFullYear() - 1}-Q3`;
const year = quarter.slice(0, 4);

function history(user: string, cents: number) {
  return [
    {
      type: 'payment' as const,
      event: {
        paymentId: `${user}-1`,
        userId: user,
        amount: { cents, currency: 'EUR' },
        kind: 'online',
        fundingAccount: 'seqr_account',
        occurredAt: `${year}-08-15T12:00:00+02:00`,
      },
    },
  ];
}

/**
 * Ledger entries, statements and accounts read in one snapshot: a credit committing between the reads cannot skew them.
 */
async function ledgerRows(databaseUrl: string, users: string[]) {
  return inSnapshot(databaseUrl, async (db) => {
    const entries = await db.query(
      'select user_id, idempotency_key, amount_cents from ledger_entry where user_id = any($1) order by user_id',
      [users],
    );
    const statements = await db.query(
      'select user_id, payout_status, paid_cents, ledger_entry_id from quarter_statement where user_id = any($1) order by user_id',
      [users],
    );
    const accounts = await db.query(
      'select user_id, balance_cents from seqr_account where user_id = any($1) order by user_id',
      [users],
    );
    return { entries: entries.rows, statements: statements.rows, accounts: accounts.rows };
  });
}

describe.each<Shape>(['dev', 'cluster'])('reliability: a worker killed, on the %s server', (shape) => {
  let env: TestServer;
  let cashback: CashbackClient;
  // A database of its own, so that reconciling the quarter sees only this server's payouts.
  let database: RunningPostgres;
  let databaseUrl: string;

  beforeAll(async () => {
    [env, database] = await Promise.all([startTestServer(shape), isolatedDatabaseOn(inject('databaseUrl'))]);
    databaseUrl = database.url;
    await migrateDatabase(databaseUrl);
  });
  afterAll(async () => {
    await env?.teardown();
    await database?.stop();
  });

  it.each(['before-credit', 'after-credit-commit'])(
    'a worker killed (SIGKILL) %s and restarted pays each user exactly once',
    async (point) => {
      const taskQueue = `faults-${randomUUID()}`;
      cashback = new CashbackClient(env.client, taskQueue);
      const users = Array.from({ length: 5 }, (_, i) => `crash-${point}-${i}-${randomUUID().slice(0, 6)}`);
      let worker: WorkerProcess | undefined = await startWorkerProcess({
        TEMPORAL_ADDRESS: env.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        DATABASE_URL: databaseUrl,
        SEQR_FAULT_POINT: point,
      });
      try {
        for (const [i, user] of users.entries())
          await cashback.importHistory(user, quarter, history(user, 10_000 * (i + 1)));
        const death = await worker.exited;
        expect(death.signal).toBe('SIGKILL');
        const rowsAtCrash = await ledgerRows(databaseUrl, users);
        // Killed before any credit began, or right after one (or more, in parallel) committed.
        if (point === 'before-credit') expect(rowsAtCrash.entries).toHaveLength(0);
        else expect(rowsAtCrash.entries.length).toBeGreaterThanOrEqual(1);

        const restartedAt = Date.now();
        worker = await startWorkerProcess({
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_TASK_QUEUE: taskQueue,
          DATABASE_URL: databaseUrl,
        });
        const rows = await eventually(
          async () => {
            const r = await ledgerRows(databaseUrl, users);
            return r.statements.filter((s) => s.payout_status === 'paid').length === users.length ? r : undefined;
          },
          'every payout after the restart',
          90_000,
        );
        expect(rows.entries.map((e) => [e.user_id, e.idempotency_key, Number(e.amount_cents)])).toEqual(
          users.map((u, i) => [u, `cashback:${u}:${quarter}`, 100 * (i + 1)]).sort(),
        );
        expect(rows.accounts.map((a) => Number(a.balance_cents))).toEqual(
          users.map((_, i) => 100 * (i + 1)).sort((a, b) => a - b),
        );
        for (const user of users)
          expect((await env.client.workflow.getHandle(workflowIdFor(user)).describe()).status.name).toBe('RUNNING');
        const reconciled = await reconciledEventually(quarter, {
          DATABASE_URL: databaseUrl,
          TEMPORAL_ADDRESS: env.address,
        });
        expect(reconciled.violations).toEqual([]);
        expect(reconciled.code).toBe(0);
        console.log(
          `worker crash ${point} (${shape} server): ${users.length} payouts, 1 SIGKILL, ${rows.entries.length} ledger entries, all paid ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart`,
        );
      } finally {
        await worker?.stop();
      }
    },
    180_000,
  );
});

describe('reliability: a database outage', () => {
  let env: TestServer;
  let cashback: CashbackClient;

  beforeAll(async () => {
    env = await startTestDevServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('a PostgreSQL outage through the payout: every payout completes after recovery, exactly once, no workflow fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seqr-outage-'));
    await chmod(dir, 0o755);
    const port = await freePort();
    let database: RunningPostgres = await startLocalPostgres({ dataDir: join(dir, 'pg'), port });
    await migrateDatabase(database.url);
    const taskQueue = `outage-${randomUUID()}`;
    const worker = await startWorkerProcess({
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: database.url,
    });
    try {
      cashback = new CashbackClient(env.client, taskQueue);
      const users = Array.from({ length: 5 }, (_, i) => `outage-${i}-${randomUUID().slice(0, 6)}`);
      await database.stop();
      const downAt = Date.now();
      for (const user of users) await cashback.importHistory(user, quarter, history(user, 50_000));
      // Keep it down until every payout has failed several attempts.
      const attempts = await eventually(
        async () => {
          const pending = await Promise.all(
            users.map(
              async (u) =>
                (await env.client.workflow.getHandle(workflowIdFor(u)).describe()).raw.pendingActivities?.[0]
                  ?.attempt ?? 0,
            ),
          );
          return pending.every((a) => a >= 4) ? pending : undefined;
        },
        'four failed attempts per payout',
        60_000,
      );
      const downSeconds = (Date.now() - downAt) / 1000;
      database = await startLocalPostgres({ dataDir: join(dir, 'pg'), port });
      const rows = await eventually(
        async () => {
          const r = await ledgerRows(database.url, users);
          return r.statements.filter((s) => s.payout_status === 'paid').length === users.length ? r : undefined;
        },
        'every payout after recovery',
        120_000,
      );
      expect(rows.entries).toHaveLength(users.length);
      expect(new Set(rows.entries.map((e) => e.idempotency_key)).size).toBe(users.length);
      expect(rows.entries.every((e) => Number(e.amount_cents) === 500)).toBe(true);
      for (const user of users)
        expect((await env.client.workflow.getHandle(workflowIdFor(user)).describe()).status.name).toBe('RUNNING');
      const reconciled = await reconciledEventually(quarter, {
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: env.address,
      });
      expect(reconciled).toMatchObject({
        code: 0,
        violations: [],
        paidStatements: users.length,
        workflows: users.length,
      });
      console.log(
        `database outage: down ${downSeconds.toFixed(1)} s, attempts per payout before recovery ${attempts.join('/')}, ${rows.entries.length} ledger entries for ${users.length} payouts`,
      );
    } finally {
      await worker?.stop();
      await database.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('reliability: a Temporal server restart', () => {
  it('loses no acknowledged event while events flow', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seqr-restart-'));
    const port = await freePort();
    const dbFilename = join(dir, 'temporal.sqlite');
    let server = await startTestDevServer({ dbFilename, port });
    const address = `127.0.0.1:${port}`;
    const taskQueue = `restart-${randomUUID()}`;
    const worker = await startWorkerProcess({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: inject('databaseUrl'),
    });
    const connection = await Connection.connect({ address });
    try {
      const client = new CashbackClient(
        new Client({ connection, dataConverter: environmentDataConverter() }),
        taskQueue,
      );
      const users = Array.from({ length: 4 }, (_, i) => `restart-${i}-${randomUUID().slice(0, 6)}`);
      const acknowledged = new Map<string, Set<string>>(users.map((u) => [u, new Set()]));
      let sent = 0;
      let failures = 0;
      let flowing = true;
      const producer = async (user: string) => {
        for (let i = 0; flowing; i++) {
          const paymentId = `${user}-${i}`;
          const event = {
            paymentId,
            userId: user,
            amount: { cents: 1_000, currency: 'EUR' },
            kind: 'online',
            fundingAccount: 'seqr_account',
            occurredAt: new Date().toISOString(),
          };
          for (;;) {
            // an unacknowledged send is retried, as the payment service would
            sent += 1;
            try {
              await client.recordPayment(event);
              acknowledged.get(user)!.add(paymentId);
              break;
            } catch {
              failures += 1;
              if (!flowing) return;
              await new Promise((resolve) => setTimeout(resolve, 200));
            }
          }
        }
      };
      const producers = users.map(producer);
      await eventually(
        async () => ([...acknowledged.values()].every((s) => s.size >= 20) ? true : undefined),
        'events flowing',
      );
      await server.teardown();
      const before = [...acknowledged.values()].reduce((sum, s) => sum + s.size, 0);
      await new Promise((resolve) => setTimeout(resolve, 5_000)); // down for 5 s while producers keep trying
      server = await startTestDevServer({ dbFilename, port });
      await eventually(
        async () => ([...acknowledged.values()].reduce((sum, s) => sum + s.size, 0) >= before + 40 ? true : undefined),
        'events flowing again',
        60_000,
      );
      flowing = false;
      await Promise.all(producers);
      for (const user of users) {
        const expected = acknowledged.get(user)!.size;
        const status = await eventually(
          async () => {
            const s = await client.getStatus(user);
            return s.counters.payments >= expected ? s : undefined;
          },
          `every acknowledged payment of ${user}`,
          60_000,
        );
        expect(status.counters.payments + status.counters.duplicates).toBeGreaterThanOrEqual(expected);
        expect(status.counters.payments).toBeGreaterThanOrEqual(expected);
        expect(status.counters.rejected).toBe(0);
      }
      const total = [...acknowledged.values()].reduce((sum, s) => sum + s.size, 0);
      console.log(
        `temporal restart: server down 5 s, ${total} payments acknowledged (${sent} sends, ${failures} failed and retried), all found after the restart`,
      );
    } finally {
      await connection.close();
      await worker?.stop();
      await server.teardown();
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
