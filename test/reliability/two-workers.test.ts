// The production shape with two workers on one task queue: one is SIGKILLed in the middle of a quarter-end payout of
// 200 users and never comes back. The other finishes the work, and every user is paid exactly once.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CashbackClient } from '../../src/client/cashback-client.ts';
import { migrateDatabase } from '../../src/db/orm.ts';
import { inSnapshot } from '../support/database.ts';
import { eventually } from '../support/harness.ts';
import { startWorkerProcess, type WorkerProcess } from '../../tools/infra/worker-process.ts';
import { reconciledEventually } from '../support/reconcile.ts';
import { startTestCluster, type TestServer } from '../../tools/infra/test-servers.ts';

const USERS = 200;
/** A closed quarter in the past: importing it makes the engine close and pay it at once, as at a quarter end. */
const quarter = `${new Date().getUTCFullYear() - 1}-Q2`;

/** Ledger and statements in one snapshot. */
function books(databaseUrl: string, prefix: string) {
  return inSnapshot(databaseUrl, async (db) => {
    const entries = await db.query(
      'select user_id, idempotency_key, amount_cents from ledger_entry where user_id like $1',
      [`${prefix}%`],
    );
    const paid = await db.query(
      "select count(*)::int as n from quarter_statement where user_id like $1 and payout_status = 'paid'",
      [`${prefix}%`],
    );
    return {
      entries: entries.rows as { user_id: string; idempotency_key: string; amount_cents: string }[],
      paid: paid.rows[0].n as number,
    };
  });
}

describe('reliability: two workers on the cluster shape', () => {
  let cluster: TestServer & { databaseUrl: string };
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    cluster = await startTestCluster();
    await migrateDatabase(cluster.databaseUrl);
  }, 120_000);
  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await cluster?.teardown();
  });

  it(`a worker SIGKILLed in the middle of a payout of ${USERS} users: the other pays every user exactly once`, async () => {
    const taskQueue = `two-workers-${randomUUID()}`;
    const env = {
      TEMPORAL_ADDRESS: cluster.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: cluster.databaseUrl,
    };
    workers.push(...(await Promise.all([startWorkerProcess(env), startWorkerProcess(env)])));
    const [victim, survivor] = workers as [WorkerProcess, WorkerProcess];
    const cashback = new CashbackClient(cluster.client, taskQueue);
    const prefix = `pair-${randomUUID().slice(0, 6)}-`;
    const users = Array.from({ length: USERS }, (_, i) => `${prefix}${i}`);
    const at = `${quarter.slice(0, 4)}-05-15T12:00:00+02:00`;
    const started = Date.now();
    await Promise.all(
      users.map((user, i) =>
        cashback.importHistory(user, quarter, [
          {
            type: 'payment',
            event: {
              paymentId: `${user}-1`,
              userId: user,
              amount: { cents: 10_000 + i * 100, currency: 'EUR' },
              kind: 'online',
              fundingAccount: 'seqr_account',
              occurredAt: at,
            },
          },
        ]),
      ),
    );
    // Mid-payout: some users are paid, most are not.
    const atKill = await eventually(
      async () => {
        const b = await books(cluster.databaseUrl, prefix);
        return b.paid >= 20 ? b : undefined;
      },
      'the first payouts',
      120_000,
    );
    expect(atKill.paid).toBeLessThan(USERS);
    victim.child.kill('SIGKILL');
    expect((await victim.exited).signal).toBe('SIGKILL');

    const done = await eventually(
      async () => {
        const b = await books(cluster.databaseUrl, prefix);
        return b.paid === USERS ? b : undefined;
      },
      'every payout after the kill',
      240_000,
    );
    expect(survivor.running()).toBe(true);
    expect(done.entries).toHaveLength(USERS);
    expect(new Set(done.entries.map((e) => e.idempotency_key)).size).toBe(USERS);
    expect(done.entries.map((e) => [e.user_id, Number(e.amount_cents)]).sort()).toEqual(
      users.map((user, i) => [user, 100 + i]).sort(),
    );
    const reconciled = await reconciledEventually(quarter, {
      DATABASE_URL: cluster.databaseUrl,
      TEMPORAL_ADDRESS: cluster.address,
    });
    expect(reconciled).toMatchObject({ code: 0, violations: [], paidStatements: USERS, workflows: USERS });
    console.log(
      `two workers: ${USERS} payouts, one worker SIGKILLed after ${atKill.paid} were paid; the other paid the remaining ` +
        `${USERS - atKill.paid}; all paid exactly once ${((Date.now() - started) / 1000).toFixed(1)} s after the imports began`,
    );
  }, 300_000);
});
