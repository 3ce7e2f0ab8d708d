// A real time-skipping Temporal server, the real worker (prebuilt bundle) and the real PostgreSQL, per test.
import { IsolationLevel, type EntityManager, type MikroORM } from '@mikro-orm/postgresql';
import type { QuarterStatement } from '../../src/domain/statement-types.ts';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { inject } from 'vitest';
import { CashbackClient } from '../../src/client/cashback-client.ts';
import { setAccountStatus } from './database.ts';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.ts';
import { QuarterStatementRecord } from '../../src/db/entities/quarter-statement-record.ts';
import { openOrm } from '../../src/db/orm.ts';
import { startTimeSkippingServer } from '../../tools/infra/test-servers.ts';
import { environmentDataConverter } from '../../tools/infra/payload-keys.ts';
import { createCashbackWorker } from '../../src/worker/create-worker.ts';

type LedgerLine = { idempotencyKey: string; quarter: string; amountCents: number };
type StatementRow = { payoutStatus: string; paidCents: number; statement: QuarterStatement };

async function readLedger(em: EntityManager, userId: string): Promise<LedgerLine[]> {
  const entries = await em.find(LedgerEntry, { userId }, { orderBy: { id: 'asc' } });
  return entries.map((e) => ({ idempotencyKey: e.idempotencyKey, quarter: e.quarter, amountCents: e.amountCents }));
}

async function readStatement(em: EntityManager, userId: string, quarter: string): Promise<StatementRow | null> {
  const row = await em.findOne(QuarterStatementRecord, { userId, quarter });
  return row ? { payoutStatus: row.payoutStatus, paidCents: row.paidCents, statement: row.statement } : null;
}

export interface Harness {
  env: TestWorkflowEnvironment;
  orm: MikroORM;
  cashback: CashbackClient;
  taskQueue: string;
  /** A fresh user id, so tests sharing the database never meet. */
  newUser(prefix?: string): string;
  /**
   * Moves the server clock forward to `iso` (timers due meanwhile fire). The server starts at the real clock and only
   * moves forward, so tests use years far ahead (2083–2086: the same calendar as 2027–2030, weekdays and summer time on
   * the same dates) and never start failing when real time passes their dates.
   */
  advanceTo(iso: string): Promise<void>;
  ledger(userId: string): Promise<LedgerLine[]>;
  statement(userId: string, quarter: string): Promise<StatementRow | null>;
  /** A user's ledger and a quarter's statement, read in one snapshot (so an assertion can compare them). */
  books(userId: string, quarter: string): Promise<{ ledger: LedgerLine[]; statement: StatementRow | null }>;
  setAccountStatus(userId: string, status: 'open' | 'closed' | 'blocked'): Promise<void>;
  /** A deploy: the worker stops and one built from `workflowBundlePath` takes over the task queue. */
  redeploy(workflowBundlePath: string): Promise<void>;
  /** A key rotation: the worker restarts, and it and `cashback` use this ring (PAYLOAD_KEYS) and active key from now. */
  rotateKeys(payloadKeys: string, activeKeyId: string): Promise<void>;
}

export interface HarnessOptions {
  /**
   * Workers without a workflow cache, so that `redeploy` works: the time-skipping server cannot move a workflow off a
   * stopped worker's sticky queue (ResetStickyTaskQueue is unimplemented there), and its clock stands still meanwhile.
   * Every workflow task then replays the history on the current bundle.
   */
  redeployable?: boolean;
  /** The key ring (PAYLOAD_KEYS) the worker and `cashback` start with; default: the test run's. */
  payloadKeys?: string;
}

export async function withHarness(run: (h: Harness) => Promise<void>, options: HarnessOptions = {}): Promise<void> {
  const env = await startTimeSkippingServer();
  const orm = await openOrm(inject('databaseUrl'), { poolMax: 4 });
  const taskQueue = `cashback-test-${randomUUID()}`;
  const converterOf = (keys = options.payloadKeys, active?: string) =>
    environmentDataConverter(
      keys ? { ...process.env, PAYLOAD_KEYS: keys, ...(active ? { PAYLOAD_ACTIVE_KEY_ID: active } : {}) } : process.env,
    );
  let dataConverter = converterOf();
  let bundle = inject('workflowBundlePath');
  const startWorker = async (workflowBundleCodePath: string) => {
    bundle = workflowBundleCodePath;
    const worker = await createCashbackWorker({
      connection: env.nativeConnection,
      taskQueue,
      orm,
      dataConverter,
      workflowBundleCodePath,
      ...(options.redeployable ? { maxCachedWorkflows: 0 } : {}),
    });
    return { worker, running: worker.run() };
  };
  let current = await startWorker(bundle);
  const stopWorker = async () => {
    current.worker.shutdown();
    await current.running;
  };
  // The client checks event dates against the server's (skipped) clock, as it would against real time in production.
  let clockOffset = (await env.currentTimeMs()) - Date.now();
  // The Java test server accepts a client keepalive ping at most every 5 minutes and answers more frequent ones with
  // GOAWAY ("too_many_pings"); the SDK's client pings every 30 s. A test that runs past a minute (the heavy user, or any
  // test on a loaded machine) then lost its connection mid-burst and crawled through reconnects and retries. The
  // engine's client gets a connection that pings as seldom as the server allows.
  const connection = await Connection.connect({
    address: env.address,
    channelArgs: { 'grpc.keepalive_time_ms': 6 * 60_000 },
  });
  const cashbackClient = () =>
    new CashbackClient(new Client({ connection, dataConverter }), taskQueue, { now: () => Date.now() + clockOffset });
  const harness: Harness = {
    async redeploy(workflowBundlePath) {
      if (!options.redeployable) throw new Error('redeploy needs withHarness(run, { redeployable: true })');
      await stopWorker();
      current = await startWorker(workflowBundlePath);
    },
    async rotateKeys(payloadKeys, activeKeyId) {
      await stopWorker();
      dataConverter = converterOf(payloadKeys, activeKeyId);
      current = await startWorker(bundle);
      harness.cashback = cashbackClient();
    },
    env,
    orm,
    taskQueue,
    cashback: cashbackClient(),
    newUser: (prefix = 'user') => `${prefix}-${randomUUID().slice(0, 8)}`,
    async advanceTo(iso) {
      const target = Date.parse(iso);
      const now = await env.currentTimeMs();
      if (target > now) await env.sleep(target - now);
      clockOffset = (await env.currentTimeMs()) - Date.now();
    },
    ledger: (userId) => readLedger(orm.em.fork(), userId),
    statement: (userId, quarter) => readStatement(orm.em.fork(), userId, quarter),
    books: (userId, quarter) =>
      orm.em
        .fork()
        .transactional(
          async (tx) => ({ ledger: await readLedger(tx, userId), statement: await readStatement(tx, userId, quarter) }),
          { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
        ),
    setAccountStatus: (userId, status) => setAccountStatus(inject('databaseUrl'), userId, status),
  };
  try {
    await run(harness);
  } finally {
    await stopWorker();
    await orm.close();
    await connection.close();
    await env.teardown();
  }
}

/**
 * Polls until `check` returns a value that is not undefined, or fails after `timeoutMs`. A check that throws (a query
 * past its deadline while the worker is busy) counts as not yet; the last error is reported at the timeout.
 */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`, {
        cause: lastError,
      });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits for the workflow to continue as new, and returns the new run's id. */
export function nextRunId(handle: WorkflowHandle, previousRunId: string): Promise<string> {
  return eventually(async () => {
    const { runId } = await handle.describe();
    return runId !== previousRunId ? runId : undefined;
  }, 'the next run');
}

export { splitCents } from '../../src/domain/money.ts';

let sequence = 0;
export function payment(userId: string, cents: number, occurredAt: string, kind = 'in_store') {
  sequence += 1;
  return {
    paymentId: `${userId}-p${sequence}`,
    userId,
    amount: { cents, currency: 'EUR' },
    kind,
    fundingAccount: sequence % 2 ? 'seqr_account' : 'sepa_direct_debit',
    occurredAt,
  };
}

export function refund(userId: string, paymentId: string, cents: number, occurredAt: string) {
  sequence += 1;
  return { refundId: `${userId}-r${sequence}`, paymentId, userId, amount: { cents, currency: 'EUR' }, occurredAt };
}
