// `simulate --program … --compare`: a proposed program over a file of events, against the current one, as finance runs
// it before a change is made. Amounts follow from the rules by hand (comments), not from the code under test.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRAM } from '../../src/domain/program-versions.ts';
import { CSV_COLUMNS } from '../../src/simulator/read-events.ts';
import { splitCents } from '../support/harness.ts';
import { runCli } from '../../tools/infra/worker-process.ts';

const proposed = 'examples/program-proposed.json'; // tiers at 1/8/15 payments, a €2.00 minimum
let dir: string;
let events: string;

function payments(user: string, total: number, count: number, day: string): string[] {
  return splitCents(total, count).map(
    (cents, i) => `payment,${user}-${day}-${i},${user},,${cents},EUR,online,seqr_account,${day}T12:00:00+01:00`,
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'seqr-what-if-'));
  events = join(dir, 'payments.csv');
  await writeFile(
    events,
    [
      CSV_COLUMNS.join(','),
      // The seed: €1 + €4 + €9 = €14.00 under both (12 and 22 payments reach tiers 2 and 3 either way).
      ...payments('alice', 10_000, 1, '2027-01-10'),
      ...payments('alice', 20_000, 12, '2027-02-10'),
      ...payments('alice', 30_000, 22, '2027-03-10'),
      // 8 payments, €400: tier 1 now (€4.00), tier 2 proposed (€8.00).
      ...payments('bob', 40_000, 8, '2027-02-10'),
      // €150: €1.50 is paid now, but is below the proposed €2.00 minimum and carried.
      ...payments('carol', 15_000, 1, '2027-03-10'),
      // €50: €0.50, carried under both.
      ...payments('dave', 5_000, 1, '2027-03-10'),
    ].join('\n'),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('what-if', () => {
  it('compares a proposed program with the current one, per quarter, and per user with --json', async () => {
    const result = await runCli(['simulate', events, '--program', proposed, '--compare', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.quarters).toEqual([
      {
        quarter: '2027-Q1',
        current: { paidCents: 1_950, usersPaid: 3, averageCents: 650 },
        proposed: { paidCents: 2_200, usersPaid: 2, averageCents: 1_100 },
        deltaCents: 250,
        usersChanged: 2,
      },
    ]);
    expect(output.users).toEqual([
      { userId: 'bob', quarter: '2027-Q1', currentCents: 400, proposedCents: 800, deltaCents: 400 },
      { userId: 'carol', quarter: '2027-Q1', currentCents: 150, proposedCents: 0, deltaCents: -150 },
    ]);
  });

  it('prints the comparison as a table', async () => {
    const result = await runCli(['simulate', events, '--program', proposed, '--compare']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /2027-Q1\s+│ €19\.50\s+│ €22\.00\s+│ \+€2\.50 \(12\.8 %\)\s+│ 3 → 2\s+│ €6\.50 → €11\.00\s+│ 2/,
    );
    expect(result.stdout).toContain('€19.50 paid now, €22.00 proposed, +€2.50 (12.8 %); 2 user-quarters change');
  });

  it('runs the proposal alone without --compare, recording its version on each statement', async () => {
    const result = await runCli(['simulate', events, '--program', proposed, '--json']);
    const { users } = JSON.parse(result.stdout);
    expect(users.bob[0]).toMatchObject({ programVersion: 1, payableCents: 800 });
    expect(users.bob[0].lines[1]).toMatchObject({ month: '2027-02', tier: 2, ratePercent: 2 });
    expect(users.carol[0]).toMatchObject({ payableCents: 0, carriedOut: 15_000, outcome: 'below_minimum' });
  });

  it('applies a proposed version only from its quarter: the months before keep the current rules', async () => {
    const later = join(dir, 'from-q2.json');
    const v2 = {
      ...PROGRAM.versions[0]!,
      version: 2,
      effectiveFrom: '2027-Q2',
      tiers: [{ tier: 1, minPayments: 1, ratePercent: 5 }],
    };
    await writeFile(later, JSON.stringify({ versions: [PROGRAM.versions[0], v2] }));
    const file = join(dir, 'two-quarters.csv');
    await writeFile(
      file,
      [
        CSV_COLUMNS.join(','),
        ...payments('erin', 20_000, 1, '2027-03-10'),
        ...payments('erin', 20_000, 1, '2027-05-10'),
      ].join('\n'),
    );
    const result = await runCli(['simulate', file, '--program', later, '--compare', '--json']);
    const { quarters } = JSON.parse(result.stdout);
    // Q1: €2.00 under both. Q2: €2.00 now, 5 % = €10.00 under version 2.
    expect(quarters.map((q: { quarter: string; deltaCents: number }) => [q.quarter, q.deltaCents])).toEqual([
      ['2027-Q1', 0],
      ['2027-Q2', 800],
    ]);
  });

  it('refuses a bad proposal with every problem and where it is, and --compare without a proposal', async () => {
    const bad = join(dir, 'bad.json');
    const v1 = PROGRAM.versions[0]!;
    await writeFile(
      bad,
      JSON.stringify({ versions: [{ ...v1, tiers: [v1.tiers[1], v1.tiers[0]], minimumPayoutCents: 1.5 }] }),
    );
    const refused = await runCli(['simulate', events, '--program', bad, '--compare']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${bad} is not a valid program`);
    expect(refused.stderr).toContain('versions.0.tiers: tiers must be ordered by strictly increasing minPayments');
    expect(refused.stderr).toContain('versions.0.minimumPayoutCents: minimumPayoutCents must be whole cents');

    const notJson = join(dir, 'not.json');
    await writeFile(notJson, '{ "versions": [');
    expect(await runCli(['simulate', events, '--program', notJson])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`${notJson} is not JSON`),
    });
    expect(await runCli(['simulate', events, '--program', join(dir, 'missing.json')])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('cannot read'),
    });
    expect(await runCli(['simulate', events, '--compare'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--compare needs --program <file>'),
    });
  });
});
