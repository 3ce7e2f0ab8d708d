// Proves each real component: the time-skipping server, the dev server, PostgreSQL through MikroORM and a migration.
import { Worker } from '@temporalio/worker';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SeqrAccount } from '../../src/db/entities/seqr-account.ts';
import { ownDatabase } from '../support/books.ts';
import { startTestDevServer, startTimeSkippingServer, type TestServer } from '../../tools/infra/test-servers.ts';
import * as activities from './activities.ts';
import { environmentDataConverter } from '../../tools/infra/payload-keys.ts';

const workflowsPath = fileURLToPath(new URL('./workflows.ts', import.meta.url));

async function runWorkflow(env: Pick<TestServer, 'client' | 'nativeConnection'>, taskQueue: string, sleepFor: string) {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath,
    activities,
    dataConverter: environmentDataConverter(),
  });
  return worker.runUntil(
    env.client.workflow.execute('sleepThenGreet', {
      taskQueue,
      workflowId: `smoke-${taskQueue}`,
      args: ['seqr', sleepFor],
    }),
  );
}

describe('infrastructure', () => {
  // A balance with no postings is broken books: kept off the shared database that other suites reconcile.
  const books = ownDatabase();

  it('time-skipping server: a one-year sleep completes in seconds', async () => {
    const env = await startTimeSkippingServer();
    try {
      const started = Date.now();
      const before = await env.currentTimeMs();
      await expect(runWorkflow(env, 'smoke-time-skipping', '365 days')).resolves.toBe('hello seqr');
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(365 * 24 * 3600 * 1000);
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      await env.teardown();
    }
  });

  it('dev server: the same workflow runs on the real server (its clock is real, so a short sleep)', async () => {
    const env = await startTestDevServer();
    try {
      await expect(runWorkflow(env, 'smoke-dev-server', '1 second')).resolves.toBe('hello seqr');
      const history = await env.client.workflow.getHandle('smoke-smoke-dev-server').fetchHistory();
      expect(history.events?.some((event) => event.timerFiredEventAttributes)).toBe(true);
    } finally {
      await env.teardown();
    }
  });

  it('PostgreSQL: an entity written through the migrated schema reads back', async () => {
    const em = books.orm.em.fork();
    em.create(SeqrAccount, { userId: 'smoke-user', balanceCents: 1234 });
    await em.flush();
    const found = await books.orm.em.fork().findOneOrFail(SeqrAccount, { userId: 'smoke-user' });
    expect(found.balanceCents).toBe(1234);
    expect(found.status).toBe('open');
  });
});
