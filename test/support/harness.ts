// A real time-skipping Temporal server, the real worker (prebuilt bundle) and the real PostgreSQL, per test.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { CashbackClient } from '../../src/client/cashback-client.ts';
import { DEFAULT_PROGRAM, type ProgramConfig } from '../../src/domain/config.ts';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.ts';
import { QuarterStatementRecord } from '../../src/db/entities/quarter-statement-record.ts';
import { openOrm } from '../../src/db/orm.ts';
import { startTimeSkippingServer } from '../../src/infra/temporal-servers.ts';
import { createCashbackWorker } from '../../src/worker/create-worker.ts';

export interface Harness {
  env: TestWorkflowEnvironment;
  orm: MikroORM;
  cashback: CashbackClient;
  taskQueue: string;
  /** A fresh user id, so tests sharing the database never meet. */
  newUser(prefix?: string): string;
  /** Moves the server clock forward to `iso` (timers due meanwhile fire). */
  advanceTo(iso: string): Promise<void>;
  ledger(userId: string): Promise<{ idempotencyKey: string; quarter: string; amountCents: number }[]>;
  statement(userId: string, quarter: string): Promise<{ payoutStatus: string; paidCents: number; statement: Record<string, any> } | null>;
  setAccountStatus(userId: string, status: 'open' | 'closed' | 'blocked'): Promise<void>;
}

export async function withHarness(run: (h: Harness) => Promise<void>, program: ProgramConfig = DEFAULT_PROGRAM): Promise<void> {
  const env = await startTimeSkippingServer();
  const orm = await openOrm(inject('databaseUrl'), { poolMax: 4 });
  const taskQueue = `cashback-test-${randomUUID()}`;
  const worker = await createCashbackWorker({
    connection: env.nativeConnection, taskQueue, orm, workflowBundleCodePath: inject('workflowBundlePath'),
  });
  const running = worker.run();
  // The client checks event dates against the server's (skipped) clock, as it would against real time in production.
  let clockOffset = (await env.currentTimeMs()) - Date.now();
  const harness: Harness = {
    env, orm, taskQueue,
    cashback: new CashbackClient(env.client, taskQueue, program, () => Date.now() + clockOffset),
    newUser: (prefix = 'user') => `${prefix}-${randomUUID().slice(0, 8)}`,
    async advanceTo(iso) {
      const target = Date.parse(iso);
      const now = await env.currentTimeMs();
      if (target > now) await env.sleep(target - now);
      clockOffset = (await env.currentTimeMs()) - Date.now();
    },
    async ledger(userId) {
      const entries = await orm.em.fork().find(LedgerEntry, { userId }, { orderBy: { id: 'asc' } });
      return entries.map((e) => ({ idempotencyKey: e.idempotencyKey, quarter: e.quarter, amountCents: e.amountCents }));
    },
    async statement(userId, quarter) {
      const row = await orm.em.fork().findOne(QuarterStatementRecord, { userId, quarter });
      return row ? { payoutStatus: row.payoutStatus, paidCents: row.paidCents, statement: row.statement } : null;
    },
    async setAccountStatus(userId, status) {
      await orm.em.fork().getConnection().execute(
        'insert into seqr_account (user_id, status) values (?, ?) on conflict (user_id) do update set status = excluded.status', [userId, status]);
    },
  };
  try {
    await run(harness);
  } finally {
    worker.shutdown();
    await running;
    await orm.close();
    await env.teardown();
  }
}

/** Polls until `check` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export { splitCents } from '../../src/domain/money.ts';

let sequence = 0;
export function payment(userId: string, cents: number, occurredAt: string, kind = 'in_store') {
  sequence += 1;
  return {
    paymentId: `${userId}-p${sequence}`, userId, amount: { cents, currency: 'EUR' }, kind,
    fundingAccount: sequence % 2 ? 'seqr_account' : 'sepa_direct_debit', occurredAt,
  };
}

export function refund(userId: string, paymentId: string, cents: number, occurredAt: string) {
  sequence += 1;
  return { refundId: `${userId}-r${sequence}`, paymentId, userId, amount: { cents, currency: 'EUR' }, occurredAt };
}
