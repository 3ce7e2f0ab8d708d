// The producer example of docs/integrating.md, run as written with the Temporal CLI against a real server and worker: a team that
// does not use TypeScript can send payments with signal-with-start.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from '../../tools/infra/run-command.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CashbackClient } from '../../src/client/cashback-client.ts';
import { temporalCliPath } from '../../tools/infra/temporal-cli.ts';
import { eventually } from '../support/harness.ts';
import { startWorkerProcess, type WorkerProcess } from '../../tools/infra/worker-process.ts';
import { startTestDevServer, type TestServer } from '../../tools/infra/test-servers.ts';

const integrating = readFileSync(fileURLToPath(new URL('../../docs/integrating.md', import.meta.url)), 'utf8');

/** The sh block of docs/integrating.md that runs `temporal workflow signal-with-start`, as an argument list. */
function producerExample(): string[] {
  const block = /```sh\n(temporal workflow signal-with-start[\s\S]*?)```/.exec(integrating)?.[1];
  if (!block) throw new Error('docs/integrating.md has no signal-with-start example');
  const joined = block.replace(/\\\n\s*/g, ' ').trim();
  return [...joined.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(1);
}

describe('the producer example of docs/integrating.md', () => {
  let server: TestServer;
  let worker: WorkerProcess;
  const taskQueue = 'seqr-cashback';

  beforeAll(async () => {
    server = await startTestDevServer();
    worker = await startWorkerProcess({
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: inject('databaseUrl'),
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await server?.teardown();
  });

  it('records a payment with `temporal workflow signal-with-start`, as documented', async () => {
    const user = `cli-${randomUUID().slice(0, 8)}`;
    // The documented command, for a fresh user and dated now (a fixed date would leave the adjustment window one day).
    const args = producerExample().map((arg) =>
      arg.replaceAll('u42', user).replace(/"occurredAt": "[^"]+"/, `"occurredAt": "${new Date().toISOString()}"`),
    );
    expect(args.slice(0, 2)).toEqual(['workflow', 'signal-with-start']);
    await run(await temporalCliPath(), [...args, '--address', server.address]);
    const status = await eventually(async () => {
      const s = await new CashbackClient(server.client, taskQueue).getStatus(user).catch(() => undefined);
      return s?.counters.payments === 1 ? s : undefined;
    }, 'the payment');
    expect(status.currentMonth).toMatchObject({ eligiblePayments: 1, netSpendCents: 2500, tier: 1 });
  });
});
