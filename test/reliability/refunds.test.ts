// A refund is as durable as a payment: recorded while no worker runs (a deploy, a crash), applied once one is back.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CashbackClient } from '../../src/client/cashback-client.ts';
import { eventually, payment, refund } from '../support/harness.ts';
import { runCli, startWorkerProcess, type WorkerProcess } from '../../tools/infra/worker-process.ts';
import { startTestDevServer, type TestServer } from '../../tools/infra/test-servers.ts';

describe('reliability: refunds while no worker runs', () => {
  let server: TestServer;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    server = await startTestDevServer();
  });
  afterAll(async () => {
    await worker?.stop();
    await server?.teardown();
  });

  it('records a payment and its refund with the worker down, through the client and the CLI; both apply once it starts', async () => {
    const taskQueue = `refunds-${randomUUID()}`;
    const cashback = new CashbackClient(server.client, taskQueue);
    const user = `down-${randomUUID().slice(0, 8)}`;
    const now = new Date().toISOString();
    const bought = payment(user, 20_000, now);
    await cashback.recordPayment(bought);
    const started = Date.now();
    await expect(cashback.recordRefund(refund(user, bought.paymentId, 5_000, now))).resolves.toMatchObject({
      check: 'unchecked',
    });
    expect(Date.now() - started).toBeLessThan(10_000); // a short look, not a wait for a worker
    const env = {
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: inject('databaseUrl'),
    };
    const cli = await runCli(['refund', user, bought.paymentId, '10.00'], env);
    expect(cli).toMatchObject({ code: 0, stdout: expect.stringContaining('recorded refund') });
    expect(cli.stdout).toContain('no worker answered in time');

    worker = await startWorkerProcess(env);
    const status = await eventually(
      async () => {
        const s = await cashback.getStatus(user).catch(() => undefined);
        return s?.counters.refunds === 2 ? s : undefined;
      },
      'both refunds applied',
      60_000,
    );
    expect(status.counters).toMatchObject({ payments: 1, refunds: 2, rejected: 0 });
    expect(status.currentMonth.netSpendCents).toBe(20_000 - 5_000 - 1_000);
    expect(status.heldRefunds).toEqual([]);
  });
});
