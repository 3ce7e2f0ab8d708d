// End to end on both server shapes, the dev server (`npm start`) and the production shape (`npm start -- --cluster`):
// the launcher's process, the CLI as a user runs it, PostgreSQL, the Temporal UI in a browser, Ctrl-C.
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { chromium, type Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CashbackClient } from '../../src/client/cashback-client.ts';
import { eventually } from '../support/harness.ts';
import { freePort, freePortBlock, portOpen } from '../../tools/infra/ports.ts';
import { PORT_OFFSETS } from '../../tools/infra/temporal-cluster.ts';
import { buildIdOf, RELEASE } from '../../src/rollout/worker-deployment.ts';
import { runCli, startEngine } from '../../tools/infra/worker-process.ts';
import type { StartedProcess } from '../../tools/infra/processes.ts';
import { environmentDataConverter } from '../../tools/infra/payload-keys.ts';
import { temporalCliPath } from '../../tools/infra/temporal-cli.ts';
import { run } from '../../tools/infra/run-command.ts';
import { found, postgresBytes, sqliteBytes } from '../support/raw-stores.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Headless, and no background calls out of this closed network.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Every base64 `data` and `metadata` value of a history in the CLI's JSON output, decoded and joined. */
function payloadBytes(json: unknown): Buffer {
  const parts: Buffer[] = [];
  const walk = (value: unknown, key?: string): void => {
    if (typeof value === 'string' && (key === 'data' || key === 'encoding')) parts.push(Buffer.from(value, 'base64'));
    else if (Array.isArray(value)) value.forEach((item) => walk(item));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  walk(json);
  return Buffer.concat(parts);
}

/** Ctrl-C in a terminal: SIGINT to every process of the foreground job, not only its leader. */
function interruptGroup(process_: StartedProcess): void {
  process.kill(-process_.child.pid!, 'SIGINT');
}

describe.each(['dev', 'cluster'] as const)('the running engine, %s shape', (shape) => {
  let engine: StartedProcess;
  let uiPort: number;
  let metricsPort: number;
  let ingestPort: number;
  let codecPort: number;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  /** Screenshots go to a temporary folder, or into docs/ (for docs/operations.md, from the dev shape) with UPDATE_SCREENSHOTS=1. */
  async function screenshot(page: Page, name: string): Promise<void> {
    const toDocs = process.env.UPDATE_SCREENSHOTS && shape === 'dev';
    const folder = toDocs ? fileURLToPath(new URL('../../docs/', import.meta.url)) : dataDir;
    await page.screenshot({ path: join(folder, name) });
  }

  /** Temporal's stores of this shape, in raw bytes: the dev server's SQLite file, or the cluster's two databases. */
  async function temporalStores(): Promise<Record<string, Buffer>> {
    if (shape === 'dev') return { 'temporal.sqlite': await sqliteBytes(join(dataDir, 'temporal.sqlite')) };
    const databases = ['temporal', 'temporal_visibility'];
    const bytes = await Promise.all(
      databases.map((database) => {
        const url = new URL(env.DATABASE_URL!);
        url.pathname = `/${database}`;
        return postgresBytes(url.toString());
      }),
    );
    return Object.fromEntries(databases.map((database, i) => [database, bytes[i]!]));
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'seqr-e2e-'));
    await chmod(dataDir, 0o755); // PostgreSQL may run as the `postgres` user (when we are root): it must reach its data dir
    // The cluster's services take ports around the frontend's, below 32768.
    const temporalPort = shape === 'cluster' ? await freePortBlock(PORT_OFFSETS) : await freePort();
    const pgPort = await freePort();
    metricsPort = await freePort();
    uiPort = await freePort();
    ingestPort = await freePort();
    codecPort = await freePort();
    const ports = { TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort), PG_PORT: String(pgPort) };
    engine = await startEngine(
      {
        SEQR_DATA_DIR: dataDir,
        ...ports,
        TEMPORAL_ADDRESS: '',
        DATABASE_URL: '',
        TEMPORAL_TASK_QUEUE: 'e2e',
        METRICS_PORT: String(metricsPort),
        INGEST_PORT: String(ingestPort),
        CODEC_PORT: String(codecPort),
        // npm start's own key ring, made in its data directory, not the test run's.
        PAYLOAD_KEYS: '',
      },
      shape === 'cluster' ? ['--cluster'] : [],
    );
    env = {
      TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
      TEMPORAL_TASK_QUEUE: 'e2e',
      DATABASE_URL: `postgresql://postgres:seqr@127.0.0.1:${pgPort}/seqr_cashback`,
      // The CLI finds npm start's key ring in the data directory, as in a checkout after `npm start`.
      SEQR_DATA_DIR: dataDir,
      PAYLOAD_KEYS: '',
    };
  }, 180_000);

  afterAll(async () => {
    // Still running when the Ctrl-C test was skipped or failed: stop it the same way, so its worker, dev server and
    // PostgreSQL go with it (a SIGKILL of the launcher alone would orphan them); SIGKILL only if it hangs.
    if (engine?.running()) {
      interruptGroup(engine);
      const timer = setTimeout(() => engine.child.kill('SIGKILL'), 30_000);
      await engine.exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('runs the demo: the worked example is credited €14.00 in PostgreSQL', async () => {
    const demo = await runCli(['demo', '--json'], env);
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    const result = JSON.parse(demo.stdout);
    expect(result).toMatchObject({ creditedCents: 1400, quarter: expect.stringMatching(/^\d{4}-Q1$/) });

    const statement = await runCli(['statement', result.userId, result.quarter, '--json'], env);
    expect(JSON.parse(statement.stdout)).toMatchObject({
      payoutStatus: 'paid',
      paidCents: 1400,
      statement: { total: 140_000 },
    });
    const status = await runCli(['status', result.userId, '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({
      lastPaidQuarter: result.quarter,
      payoutStatus: 'paid',
      counters: { payments: 35 },
    });
    const payouts = await runCli(['payouts', '--quarter', result.quarter, '--status', 'paid'], env);
    expect(payouts.stdout).toContain(result.userId);
    expect(payouts.stdout).toContain('€14.00');
    // Finance: the books reconcile, the report counts the payout, and (no webhook configured) its notification waits
    // in the outbox that npm start's notifier would deliver.
    const reconcile = await runCli(['reconcile', result.quarter], env);
    expect(reconcile.code, reconcile.stdout).toBe(0);
    expect(reconcile.stdout).toMatch(/clean: every paid statement has one balanced transfer/);
    const report = JSON.parse((await runCli(['report', result.quarter, '--json'], env)).stdout);
    expect(report.paid).toEqual({ users: 1, cents: 1400 });
    const outbox = JSON.parse((await runCli(['notifications', '--json'], env)).stdout);
    expect(outbox.notifications).toContainEqual(
      expect.objectContaining({ id: `cashback:${result.userId}:${result.quarter}`, amountCents: 1400, attempts: 0 }),
    );
    expect(engine.output()).toContain('payout notifications wait in the outbox (no NOTIFY_WEBHOOK_URL)');
    // The payout's log line (one JSON object) names the user and the quarter; the worker serves Prometheus metrics when
    // configured.
    const logLines = engine
      .output()
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return []; // the launcher's own lines are plain text
        }
      });
    expect(logLines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        msg: 'credited',
        userId: result.userId,
        quarter: result.quarter,
        amount: '€14.00',
      }),
    );
    // The bundle is reported in one line, not as the bundler's multi-kilobyte report.
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'workflow bundle built' }));
    expect(engine.output()).not.toMatch(/workflow-bundle-|webpack/);
    // npm start runs the HTTP front door beside the worker and names its address.
    const ingest = /HTTP ingestion: (http:\/\/127\.0\.0\.1:\d+)/.exec(engine.output())?.[1];
    expect(ingest).toBe(`http://127.0.0.1:${ingestPort}`);
    expect((await fetch(`${ingest}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/temporal_activity_execution_latency|temporal_workflow_completed|temporal_request/);
  });

  it("keeps customer data out of Temporal's stores: encrypted payloads, read decoded only through the codec server", async () => {
    const keyFile = join(dataDir, 'payload-keys.json');
    expect(engine.output()).toContain(`payload key ring created: ${keyFile} (mode 0600`);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    const user = `e2e-private-${Date.now()}`;
    const marker = `MARKER-${randomUUID()}`;
    expect((await runCli(['pay', user, '987.65', '--id', marker, '--kind', 'online'], env)).code).toBe(0);
    const status = JSON.parse((await runCli(['status', user, '--json'], env)).stdout);
    expect(status.currentMonth).toMatchObject({ eligiblePayments: 1, netSpendCents: 98_765 });

    // Every store of Temporal, searched in its raw bytes after the demo and this payment: the workflow id is there in
    // clear (it holds the user id, and shows that the search reads the data); the marker, the amount and the JSON of
    // payments, state and statements are not.
    const stores = await temporalStores();
    const clear = ['98765', '987.65', marker, '"netSpendCents"', '"eligiblePayments"', 'paid €14.00', '"paymentId"'];
    for (const [store, bytes] of Object.entries(stores)) {
      expect(found(bytes, [`cashback-${user}`]), store).toEqual([`cashback-${user}`]);
      expect(found(bytes, clear), store).toEqual([]);
    }

    // The UI decodes through the codec server: an operator reads the payment in the browser; Temporal never had a key.
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`http://localhost:${uiPort}/namespaces/default/workflows/cashback-${user}`);
      await page.getByText('Workflow Execution Signaled').first().click({ timeout: 30_000 });
      await eventually(async () => {
        for (const frame of page.frames()) if (await frame.getByText(marker).count()) return true;
        return undefined;
      }, 'the decoded payment in the UI');
      await screenshot(page, 'operator-decoded-payment.png');
    } finally {
      await browser.close();
    }

    // The Temporal CLI shows ciphertext without the codec server, the payment with it (its JSON output carries each
    // payload's bytes in base64).
    const cli = await temporalCliPath();
    const show = async (...codec: string[]) => {
      const args = ['workflow', 'show', '--workflow-id', `cashback-${user}`, '--address', env.TEMPORAL_ADDRESS!];
      const { stdout } = await run(cli, [...args, '--output', 'json', ...codec], { maxBuffer: 16 * 1024 * 1024 });
      return payloadBytes(JSON.parse(stdout));
    };
    const raw = await show();
    expect(found(raw, [marker, '98765'])).toEqual([]);
    expect(found(raw, ['binary/encrypted'])).toEqual(['binary/encrypted']);
    expect(found(await show('--codec-endpoint', `http://127.0.0.1:${codecPort}`), [marker, '98765'])).toEqual([
      marker,
      '98765',
    ]);
  });

  it('takes live payments and refunds through the CLI and shows them in status', async () => {
    const user = `e2e-${Date.now()}`;
    for (let i = 0; i < 12; i++)
      expect((await runCli(['pay', user, '10.00', '--id', `${user}-p${i}`, '--kind', 'online'], env)).code).toBe(0);
    expect((await runCli(['pay', user, '50', '--kind', 'p2p'], env)).code).toBe(0);
    const refund = await runCli(['refund', user, `${user}-p0`, '4.00'], env);
    expect(refund.stdout).toContain(`€4.00 of payment ${user}-p0`);
    const status = JSON.parse((await runCli(['status', user, '--json'], env)).stdout);
    expect(status.currentMonth).toMatchObject({ eligiblePayments: 12, tier: 2, netSpendCents: 11_600 });
    const human = await runCli(['status', user], env);
    expect(human.stdout).toMatch(/tier\s+2 \(2 %, program v1\)/);
    // Dates as a person in Stockholm reads them, not UTC ISO strings.
    expect(human.stdout).toMatch(/paid on \d{1,2} (Jan|Apr|Jul|Oct) \d{4}/);
    expect(human.stdout).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('runs a versioned worker whose build (release and commit) is the current one, and says so to operators', async () => {
    const rollout = await runCli(['rollout', 'status', '--json'], env);
    expect(rollout.code, rollout.stderr).toBe(0);
    const build = buildIdOf();
    expect(build).toMatch(new RegExp(`^${RELEASE.replaceAll('.', '\\.')}\\+[0-9a-f]{12}$`));
    expect(JSON.parse(rollout.stdout)).toMatchObject({
      current: build,
      builds: [expect.objectContaining({ buildId: build, status: 'current', retirable: false })],
    });
    expect((await runCli(['rollout', 'status'], env)).stdout).toMatch(
      new RegExp(`current\\s+${build.replace('+', '\\+')}`),
    );
  });

  it('rejects bad input with a clear message and exit code 2', async () => {
    expect(await runCli(['status', 'nobody-here'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('no cashback record for user nobody-here'),
    });
    expect(await runCli(['statement', 'x', '2027-Q7'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('quarter must look like 2027-Q1'),
    });
    expect(await runCli(['payouts', '--quarter', '2027-Q1', '--status', 'lost'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--status must be one of'),
    });
    expect(await runCli(['pay', 'u', '-5'], env)).toMatchObject({ code: 2 });
    expect(await runCli(['pay', 'u', '5', '--at', '2031-01-01T00:00:00Z'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('is in the future'),
    });
    // A refund before its payment is not bad input: recorded, it waits in the workflow for its payment.
    expect(await runCli(['refund', 'u', 'no-such-payment', '1.00'], env)).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('(held until payment no-such-payment arrives)'),
    });
    expect(await runCli(['retry-payout', 'nobody-here', '2027-Q1'], env)).toMatchObject({ code: 2 });
    expect(await runCli(['frobnicate'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("unknown command 'frobnicate'"),
    });
  });

  it('lets an operator find a failed payout in the Temporal UI, see why, and retry it: paid once', async () => {
    const user = `e2e-blocked-${Date.now()}`;
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    try {
      await db.query("insert into seqr_account (user_id, status) values ($1, 'blocked')", [user]);
      // A closed quarter for this user: its payout runs at once and fails on the blocked account.
      const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
      const quarter = `${new Date().getUTCFullYear() - 1}-Q2`;
      const at = `${quarter.slice(0, 4)}-05-15T12:00:00+02:00`;
      const dataConverter = environmentDataConverter({ ...process.env, ...env });
      await new CashbackClient(new Client({ connection, dataConverter }), 'e2e').importHistory(user, quarter, [
        {
          type: 'payment',
          event: {
            paymentId: `${user}-1`,
            userId: user,
            amount: { cents: 25_000, currency: 'EUR' },
            kind: 'online',
            fundingAccount: 'seqr_account',
            occurredAt: at,
          },
        },
      ]);
      await connection.close();
      await eventually(
        async () =>
          (await runCli(['payouts', '--quarter', quarter, '--status', 'failed'], env)).stdout.includes(user)
            ? true
            : undefined,
        'the failed payout',
      );

      const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
        const query = encodeURIComponent(
          `PayoutStatus="failed" AND ExecutionStatus="Running" AND WorkflowId="cashback-${user}"`,
        );
        await page.goto(`http://localhost:${uiPort}/namespaces/default/workflows?query=${query}`);
        const link = page.getByRole('link', { name: `cashback-${user}` }).first();
        await link.waitFor({ timeout: 30_000 });
        await screenshot(page, 'operator-failed-payouts.png');
        await link.click();
        await page.getByText('User Metadata', { exact: true }).click();
        // The UI renders Markdown (current details, activity summaries) inside sandboxed frames: find the details' one.
        const details = await eventually(async () => {
          for (const frame of page.frames())
            if (await frame.getByText(`${quarter} payout FAILED`).count()) return frame;
          return undefined;
        }, 'the current details in the UI');
        expect(await details.getByText(`Seqr Account of ${user} is blocked`).count()).toBeGreaterThan(0);
        await screenshot(page, 'operator-current-details.png');
      } finally {
        await browser.close();
      }

      expect(await runCli(['retry-payout', user, quarter], env)).toMatchObject({
        code: 1,
        stdout: expect.stringContaining('failed again'),
      });
      await db.query("update seqr_account set status = 'open' where user_id = $1", [user]);
      expect(await runCli(['retry-payout', user, quarter], env)).toMatchObject({
        code: 0,
        stdout: expect.stringContaining(`paid €2.50 to ${user} for ${quarter}`),
      });
      expect(await runCli(['retry-payout', user, quarter], env)).toMatchObject({
        code: 2,
        stderr: expect.stringContaining('no unpaid payout'),
      });
      // The failure's message (it names the user) is kept inside an encrypted payload: Temporal holds none of it.
      for (const [store, bytes] of Object.entries(await temporalStores()))
        expect(found(bytes, [`Seqr Account of ${user} is blocked`, `cashback-${user}`]), store).toEqual([
          `cashback-${user}`,
        ]);
      const ledger = await db.query('select idempotency_key, amount_cents from ledger_entry where user_id = $1', [
        user,
      ]);
      expect(ledger.rows).toEqual([{ idempotency_key: `cashback:${user}:${quarter}`, amount_cents: '250' }]);
    } finally {
      await db.end();
    }
  });

  it('stops everything cleanly on Ctrl-C sent to the whole process group, as a terminal does: the worker drains first', async () => {
    interruptGroup(engine);
    expect(await engine.exited).toEqual({ code: 0, signal: null });
    const output = engine.output();
    expect(output).toContain('worker stopped cleanly');
    expect(output).toContain('[infra] stopped');
    expect(output).not.toContain('worker failed');
    expect(output.indexOf('worker stopped cleanly')).toBeLessThan(output.indexOf('[infra] stopped'));
    // Nothing it started is left running.
    const ports = [env.TEMPORAL_ADDRESS!.split(':')[1], new URL(env.DATABASE_URL!).port, uiPort, ingestPort, codecPort];
    for (const port of ports) expect(await portOpen(Number(port))).toBe(false);
  });
});
