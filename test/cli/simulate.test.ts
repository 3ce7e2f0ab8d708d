// `simulate` as a user runs it: CSV and JSONL files, malformed rows reported by line, the rest processed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/simulator/read-events.ts';
import { runCli } from '../../tools/infra/worker-process.ts';
import { splitCents } from '../support/harness.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqr-sim-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function seedRows(user: string): string[] {
  const rows = [`payment,${user}-1,${user},,10000,EUR,in_store,seqr_account,2027-01-10T12:00:00+01:00`];
  splitCents(20_000, 12).forEach((cents, i) =>
    rows.push(`payment,${user}-f${i},${user},,${cents},EUR,online,sepa_direct_debit,2027-02-10T12:00:00+01:00`),
  );
  splitCents(30_000, 22).forEach((cents, i) =>
    rows.push(`payment,${user}-m${i},${user},,${cents},EUR,shop_on_the_spot,seqr_account,2027-03-10T12:00:00+01:00`),
  );
  return rows;
}

describe('simulate', () => {
  it('computes the worked example from a CSV file, with no server', async () => {
    const file = join(dir, 'seed.csv');
    await writeFile(file, [CSV_COLUMNS.join(','), ...seedRows('alice')].join('\n'));
    const result = await runCli(['simulate', file, '--json'], {
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      DATABASE_URL: 'postgresql://nowhere:1/x',
    });
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({ events: 35, duplicates: 0, problems: [] });
    expect(output.users.alice).toHaveLength(1);
    expect(output.users.alice[0]).toMatchObject({ quarter: '2027-Q1', payableCents: 1400, total: 140_000 });
  });

  it('reports malformed rows with their line numbers and processes the rest', async () => {
    const file = join(dir, 'messy.csv');
    await writeFile(
      file,
      [
        CSV_COLUMNS.join(','),
        ...seedRows('bob'), // lines 2–36
        'payment,bad-1,bob,,12.5,EUR,online,seqr_account,2027-03-11T12:00:00+01:00', // 37: fractional cents
        'payment,bad-2,bob,,100,SEK,online,seqr_account,2027-03-11T12:00:00+01:00', // 38: currency
        'transfer,bad-3,bob,,100,EUR,online,seqr_account,2027-03-11T12:00:00+01:00', // 39: type
        'payment,bad-4,bob,100', // 40: too few columns
        'refund,r-1,bob,nope,100,EUR,,,2027-03-11T12:00:00+01:00', // 41: unknown payment
        `payment,bob-1,bob,,10000,EUR,in_store,seqr_account,2027-01-10T12:00:00+01:00`, // 42: duplicate
        'payment,late-1,bob,,500,EUR,online,seqr_account,2027-04-02T12:00:00+02:00', // 43: fine (Q2)
      ].join('\n'),
    );
    const result = await runCli(['simulate', file], {});
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('line 37: amount.cents must be a whole number of cents');
    expect(result.stderr).toContain('line 38: amount.currency must be "EUR"');
    expect(result.stderr).toContain('line 39: type must be payment or refund');
    expect(result.stderr).toMatch(/line 40: expected 9 columns/);
    expect(result.stderr).toContain('line 41: refund of unknown payment nope');
    expect(result.stdout).toContain('40 events, 1 users');
    expect(result.stdout).toMatch(/1 duplicates, 5 problems; €14\.00 paid in all/);
    expect(result.stdout).toMatch(/bob\s+│ 2027-Q2 .*│ €0\.00\s+│ €0\.0500/); // below the minimum: carried
    expect(result.stdout).toMatch(/bob\s+│ 2027-Q1/);
  });

  it('reads JSON lines and reports lines that are not JSON', async () => {
    const file = join(dir, 'events.jsonl');
    const payment = {
      type: 'payment',
      paymentId: 'j1',
      userId: 'carol',
      amount: { cents: 20_000, currency: 'EUR' },
      kind: 'online',
      fundingAccount: 'seqr_account',
      occurredAt: '2027-05-01T12:00:00+02:00',
    };
    await writeFile(
      file,
      [JSON.stringify(payment), '{not json', JSON.stringify({ ...payment, type: 'bonus' })].join('\n'),
    );
    const result = await runCli(['simulate', file, '--json'], {});
    const output = JSON.parse(result.stdout);
    expect(output.users.carol[0]).toMatchObject({ quarter: '2027-Q2', payableCents: 200 });
    expect(output.problems.map((p: { line: number }) => p.line)).toEqual([2, 3]);
  });

  it('refuses a file it cannot read or whose format it cannot tell', async () => {
    expect(await runCli(['simulate', join(dir, 'missing.csv')], {})).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('cannot read'),
    });
    const odd = join(dir, 'events.txt');
    await writeFile(odd, 'x');
    expect(await runCli(['simulate', odd], {})).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('name it .csv or .jsonl'),
    });
  });
});
