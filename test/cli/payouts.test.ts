// `payouts --quarter <q> [--status s]`: the statuses it offers and accepts are the domain's list of a stored quarter's
// payout status, and each filters the rows PostgreSQL holds.
import { describe, expect, it } from 'vitest';
import { createPayoutActivities } from '../../src/activities/payout-activities.ts';
import { quarterPayoutStatuses } from '../../src/domain/payout-status.ts';
import { runCli } from '../../tools/infra/worker-process.ts';
import { handMadeStatement, inActivity, ownDatabase, payableStatement } from '../support/books.ts';

const quarter = '2027-Q1';
const database = ownDatabase();

describe('payouts --status', () => {
  it("offers and accepts exactly the domain's payout statuses", async () => {
    const help = await runCli(['payouts', '--help']);
    expect(help.stdout).toContain(quarterPayoutStatuses.join(', '));
    const refused = await runCli(['payouts', '--quarter', quarter, '--status', 'lost']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`--status must be one of ${quarterPayoutStatuses.join(', ')}`);
  });

  it('filters by the status the payout activity stored', async () => {
    const activities = createPayoutActivities(database.orm);
    await inActivity(() => activities.settleQuarter(payableStatement('pay-paid', 500, quarter)));
    await inActivity(() =>
      activities.saveStatement(handMadeStatement('pay-small', { total: 4_000, outcome: 'below_minimum' }, quarter)),
    );
    await inActivity(() => activities.saveStatement(handMadeStatement('pay-nothing', {}, quarter)));
    const listed = async (status: string) => {
      const result = await runCli(['payouts', '--quarter', quarter, '--status', status, '--json'], {
        DATABASE_URL: database.url,
      });
      expect(result.code, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as { userId: string; payoutStatus: string }[]).map((row) => [
        row.userId,
        row.payoutStatus,
      ]);
    };
    expect(await listed('paid')).toEqual([['pay-paid', 'paid']]);
    expect(await listed('below_minimum')).toEqual([['pay-small', 'below_minimum']]);
    expect(await listed('nothing_due')).toEqual([['pay-nothing', 'nothing_due']]);
    expect(await listed('failed')).toEqual([]);
  });
});
