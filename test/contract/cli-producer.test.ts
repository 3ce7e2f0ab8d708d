// The producer example of docs/integrating.md, run as written with the Temporal CLI against a real server, worker and
// codec server: a team that does not use TypeScript can send encrypted payments with signal-with-start. Without the
// codec flags (a producer that does not encrypt yet) the payment counts all the same, and the worker reports it.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from '../../tools/infra/run-command.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CashbackClient } from '../../src/client/cashback-client.ts';
import { temporalCliPath } from '../../tools/infra/temporal-cli.ts';
import { eventually } from '../support/harness.ts';
import { startCodecServerProcess, startWorkerProcess, type WorkerProcess } from '../../tools/infra/worker-process.ts';
import type { StartedProcess } from '../../tools/infra/processes.ts';
import { freePort } from '../../tools/infra/ports.ts';
import { keyIdsOf } from '../support/payloads.ts';
import { startTestDevServer, type TestServer } from '../../tools/infra/test-servers.ts';

const integrating = readFileSync(fileURLToPath(new URL('../../docs/integrating.md', import.meta.url)), 'utf8');

/** The sh block of docs/integrating.md that runs `temporal workflow signal-with-start`, as an argument list. */
function producerExample(): string[] {
  const block = /```sh\n(temporal workflow signal-with-start[\s\S]*?)```/.exec(integrating)?.[1];
  if (!block) throw new Error('docs/integrating.md has no signal-with-start example');
  const joined = block.replace(/\\\n\s*/g, ' ').trim();
  return [...joined.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!).slice(1);
}

describe('the producer example of docs/integrating.md', () => {
  let server: TestServer;
  let worker: WorkerProcess;
  let codec: StartedProcess & { url: string };
  let metricsPort: number;
  const taskQueue = 'seqr-cashback';
  const token = randomUUID();

  beforeAll(async () => {
    server = await startTestDevServer();
    metricsPort = await freePort();
    worker = await startWorkerProcess({
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: inject('databaseUrl'),
      METRICS_PORT: String(metricsPort),
    });
    codec = await startCodecServerProcess({ CODEC_TOKEN: token });
  });
  afterAll(async () => {
    await codec?.stop();
    await worker?.stop();
    await server?.teardown();
  });

  /** The documented command for a fresh user, dated now (a fixed date would leave the adjustment window one day). */
  function commandFor(user: string): string[] {
    return producerExample().map((arg) =>
      arg
        .replaceAll('u42', user)
        .replace(/"occurredAt": "[^"]+"/, `"occurredAt": "${new Date().toISOString()}"`)
        .replace('http://localhost:8089', codec.url)
        .replace('$CODEC_TOKEN', token),
    );
  }

  const paymentCounted = (user: string) =>
    eventually(async () => {
      const s = await new CashbackClient(server.client, taskQueue).getStatus(user).catch(() => undefined);
      return s?.counters.payments === 1 ? s : undefined;
    }, 'the payment');

  it('records an encrypted payment with `temporal workflow signal-with-start`, as documented', async () => {
    const user = `cli-${randomUUID().slice(0, 8)}`;
    const args = commandFor(user);
    expect(args.slice(0, 2)).toEqual(['workflow', 'signal-with-start']);
    expect(args).toContain(`Bearer ${token}`);
    await run(await temporalCliPath(), [...args, '--address', server.address]);
    const status = await paymentCounted(user);
    expect(status.currentMonth).toMatchObject({ eligiblePayments: 1, netSpendCents: 2500, tier: 1 });
    const history = await server.client.workflow.getHandle(`cashback-${user}`).fetchHistory();
    const signalled = history.events?.find((e) => e.workflowExecutionSignaledEventAttributes);
    expect(keyIdsOf(signalled?.workflowExecutionSignaledEventAttributes?.input?.payloads)).toEqual(['test']);
  });

  it('refuses the codec call without the token', async () => {
    const args = commandFor(`cli-${randomUUID().slice(0, 8)}`).map((arg) => arg.replace(token, 'wrong'));
    await expect(run(await temporalCliPath(), [...args, '--address', server.address])).rejects.toThrow(/Unauthorized/);
  });

  it('still counts a payment sent in clear, and the worker reports it without its content', async () => {
    const user = `cli-plain-${randomUUID().slice(0, 8)}`;
    const args = commandFor(user);
    const plain = args.filter((arg, i) => !arg.startsWith('--codec-') && !args[i - 1]?.startsWith('--codec-'));
    await run(await temporalCliPath(), [...plain, '--address', server.address]);
    await paymentCounted(user);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const counted = /^seqr_plaintext_payloads_received(?:_total)?\{[^}]*\} (\d+)/m.exec(metrics)?.[1];
    expect(Number(counted)).toBeGreaterThanOrEqual(2); // the start input and the signal
    // The worker's log reaches us through a pipe: its lines may come a moment after the payment counts.
    const reports = await eventually(async () => {
      const lines = worker
        .output()
        .split('\n')
        .filter((line) => line.includes('unencrypted payload received') && line.includes(`cashback-${user}`));
      return lines.length >= 2 ? lines : undefined;
    }, "the worker's reports");
    expect(reports.join('\n')).not.toContain(`pay-1`);
  });
});
