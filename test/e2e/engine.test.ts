// End to end on the real dev server: `npm start`'s process, the CLI as a user runs it, PostgreSQL, Ctrl-C.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/infra/postgres.ts';
import { runCli, startEngine } from '../support/processes.ts';

let engine: Awaited<ReturnType<typeof startEngine>>;
let dataDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'seqr-e2e-'));
  await chmod(dataDir, 0o755); // PostgreSQL may run as the `postgres` user (when we are root): it must reach its data dir
  const [temporalPort, uiPort, pgPort] = [await freePort(), await freePort(), await freePort()];
  const ports = { TEMPORAL_PORT: String(temporalPort), TEMPORAL_UI_PORT: String(uiPort), PG_PORT: String(pgPort) };
  engine = await startEngine({ SEQR_DATA_DIR: dataDir, ...ports, TEMPORAL_ADDRESS: '', DATABASE_URL: '', TEMPORAL_TASK_QUEUE: 'e2e' });
  env = {
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`, TEMPORAL_TASK_QUEUE: 'e2e',
    DATABASE_URL: `postgresql://postgres:seqr@127.0.0.1:${pgPort}/seqr_cashback`,
  };
});

afterAll(async () => {
  if (engine?.child.exitCode === null) engine.child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

describe('the running engine', () => {
  it('runs the demo: the worked example is credited €14.00 in PostgreSQL', async () => {
    const demo = await runCli(['demo', '--json'], env);
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    const result = JSON.parse(demo.stdout);
    expect(result).toMatchObject({ creditedCents: 1400, quarter: expect.stringMatching(/^\d{4}-Q1$/) });

    const statement = await runCli(['statement', result.userId, result.quarter, '--json'], env);
    expect(JSON.parse(statement.stdout)).toMatchObject({ payoutStatus: 'paid', paidCents: 1400, statement: { total: 140_000 } });
    const status = await runCli(['status', result.userId, '--json'], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ lastPaidQuarter: result.quarter, payoutStatus: 'paid', counters: { payments: 35 } });
    const payouts = await runCli(['payouts', '--quarter', result.quarter, '--status', 'paid'], env);
    expect(payouts.stdout).toContain(result.userId);
    expect(payouts.stdout).toContain('€14.00');
  });

  it('takes live payments and refunds through the CLI and shows them in status', async () => {
    const user = `e2e-${Date.now()}`;
    for (let i = 0; i < 12; i++) expect((await runCli(['pay', user, '10.00', '--id', `${user}-p${i}`, '--kind', 'online'], env)).code).toBe(0);
    expect((await runCli(['pay', user, '50', '--kind', 'p2p'], env)).code).toBe(0);
    const refund = await runCli(['refund', user, `${user}-p0`, '4.00'], env);
    expect(refund.stdout).toContain(`€4.00 of payment ${user}-p0`);
    const status = JSON.parse((await runCli(['status', user, '--json'], env)).stdout);
    expect(status.currentMonth).toMatchObject({ eligiblePayments: 12, tier: 2, netSpendCents: 11_600 });
    const human = await runCli(['status', user], env);
    expect(human.stdout).toMatch(/tier\s+2 \(2 %\)/);
  });

  it('rejects bad input with a clear message and exit code 2', async () => {
    expect(await runCli(['status', 'nobody-here'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('no cashback record for user nobody-here') });
    expect(await runCli(['statement', 'x', '2027-Q7'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('quarter must look like 2027-Q1') });
    expect(await runCli(['payouts', '--quarter', '2027-Q1', '--status', 'lost'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('--status must be one of') });
    expect(await runCli(['pay', 'u', '-5'], env)).toMatchObject({ code: 2 });
    expect(await runCli(['pay', 'u', '5', '--at', '2031-01-01T00:00:00Z'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('is in the future') });
    expect(await runCli(['refund', 'u', 'no-such-payment', '1.00'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('refund of unknown payment') });
    expect(await runCli(['retry-payout', 'nobody-here', '2027-Q1'], env)).toMatchObject({ code: 2 });
    expect(await runCli(['frobnicate'], env)).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'frobnicate'") });
  });

  it('stops everything cleanly on Ctrl-C (SIGINT)', async () => {
    const exited = new Promise<number | null>((resolve) => engine.child.once('exit', resolve));
    engine.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(engine.output()).toContain('worker stopped cleanly');
    expect(engine.output()).toContain('[infra] stopped');
  });
});
