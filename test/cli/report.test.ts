// `report` against a real PostgreSQL: the quarter's summary for finance and the CSV of every statement line, from
// statements the real rules computed (the worked example) and the real payout activities persisted.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createPayoutActivities } from '../../src/activities/payout-activities.ts';
import { splitCents } from '../../src/domain/money.ts';
import type { QuarterStatement } from '../../src/domain/statement-types.ts';
import { withSession } from '../../src/db/pg-session.ts';
import { Simulation } from '../../src/simulator/simulation.ts';
import { handMadeStatement as statement, inActivity, ownDatabase } from '../support/books.ts';
import { runCli } from '../../tools/infra/worker-process.ts';

const quarter = '2027-Q1';
const database = ownDatabase();

/** The worked example through the real rules: 1 × €100 in January, 12 for €200 in February, 22 for €300 in March. */
function seedStatement(userId: string): QuarterStatement {
  const simulation = new Simulation();
  let line = 0;
  for (const [month, count, total] of [
    [1, 1, 10_000],
    [2, 12, 20_000],
    [3, 22, 30_000],
  ] as const)
    for (const [i, cents] of splitCents(total, count).entries())
      simulation.apply(++line, 'payment', {
        paymentId: `${userId}-${month}-${i}`,
        userId,
        amount: { cents, currency: 'EUR' },
        kind: 'in_store',
        fundingAccount: 'seqr_account',
        occurredAt: `2027-0${month}-15T12:00:00+01:00`,
      });
  return simulation.finish().get(userId)![0]!;
}

describe('report', () => {
  it('summarises the quarter for finance and streams every statement line as CSV', async () => {
    const activities = createPayoutActivities(database.orm);
    const seed = seedStatement('rep-seed');
    expect(seed.payableCents).toBe(1400);
    await inActivity(() => activities.settleQuarter(seed));
    await inActivity(() =>
      activities.saveStatement(
        statement('rep-small', { total: 5_000, roundedCents: 50, carriedOut: 5_000, outcome: 'below_minimum' }),
      ),
    );
    await inActivity(() =>
      activities.saveStatement(
        statement('rep-forfeit', {
          total: 7_000,
          roundedCents: 70,
          forfeited: 7_000,
          minimumPolicy: 'forfeit',
          outcome: 'below_minimum',
        }),
      ),
    );
    const adjustment = {
      month: '2026-12',
      programVersion: 1,
      eligiblePayments: 0,
      netSpendCents: 0,
      tier: 0,
      previously: 30_000,
      now: 0,
    };
    await inActivity(() =>
      activities.saveStatement(
        statement('rep-clawback', {
          adjustments: [{ ...adjustment, delta: -30_000 }],
          total: -30_000,
          carriedOut: -30_000,
        }),
      ),
    );
    // A blocked account: the payout fails and waits for an operator.
    await withSession(database.url, (db) =>
      db.query("insert into seqr_account (user_id, status) values ('rep-failed', 'blocked')"),
    );
    await expect(
      inActivity(() =>
        activities.settleQuarter(
          statement('rep-failed', { total: 25_000, roundedCents: 250, payableCents: 250, outcome: 'payable' }),
        ),
      ),
    ).rejects.toMatchObject({ type: 'AccountUnavailable' });

    const json = await runCli(['report', quarter, '--json'], { DATABASE_URL: database.url });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      quarter,
      statements: 5,
      paid: { users: 1, cents: 1400 },
      pending: { users: 0, cents: 0 },
      failed: { users: 1, cents: 250 },
      carriedForward: { users: 1, amount: 5_000 },
      forfeited: { users: 1, amount: 7_000 },
      clawbacksOutstanding: { users: 1, amount: -30_000 },
      adjustments: { months: 1, users: 1, up: 0, down: -30_000 },
      tiers: [
        {
          month: '2027-01',
          programVersion: 1,
          tier: 1,
          ratePercent: 1,
          users: 1,
          netSpendCents: 10_000,
          cashback: 10_000,
        },
        {
          month: '2027-02',
          programVersion: 1,
          tier: 2,
          ratePercent: 2,
          users: 1,
          netSpendCents: 20_000,
          cashback: 40_000,
        },
        {
          month: '2027-03',
          programVersion: 1,
          tier: 3,
          ratePercent: 3,
          users: 1,
          netSpendCents: 30_000,
          cashback: 90_000,
        },
      ],
    });

    const human = await runCli(['report', quarter], { DATABASE_URL: database.url });
    expect(human.stdout).toMatch(/paid\s+€14\.00 to 1 user/);
    expect(human.stdout).toMatch(/clawbacks outstanding\s+-€3\.0000 for 1 user/);

    const csv = await runCli(['report', quarter, '--csv'], { DATABASE_URL: database.url });
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stderr).toContain(`5 statement lines for ${quarter}`);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.user_id)).toEqual(['rep-clawback', 'rep-failed', 'rep-forfeit', 'rep-seed', 'rep-small']);
    expect(rows.find((r) => r.user_id === 'rep-seed')).toMatchObject({
      quarter,
      '2027-01_payments': '1',
      '2027-01_tier': '1',
      '2027-02_payments': '12',
      '2027-02_net_spend': '200.00',
      '2027-03_tier': '3',
      '2027-03_cashback': '9.0000',
      total: '14.0000',
      paid: '14.00',
      carried_out: '0.0000',
      payout_status: 'paid',
      ledger_key: `cashback:rep-seed:${quarter}`,
    });
    expect(rows.find((r) => r.user_id === 'rep-small')).toMatchObject({
      paid: '0.00',
      carried_out: '0.5000',
      ledger_key: '',
    });
    expect(rows.find((r) => r.user_id === 'rep-clawback')).toMatchObject({
      adjustments: '-3.0000',
      carried_out: '-3.0000',
    });
  });

  it('refuses --csv with --json, and a malformed quarter, with exit 2', async () => {
    const both = await runCli(['report', quarter, '--csv', '--json'], { DATABASE_URL: database.url });
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining('choose one of --csv and --json') });
    const bad = await runCli(['report', '2027-Q9'], { DATABASE_URL: database.url });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/quarter/);
  });
});
