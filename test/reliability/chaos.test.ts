// The short chaos run (npm run chaos is the long one): 200 users on the cluster shape with two workers, payouts due over
// 45 s while the nemesis SIGKILLs workers every 5–15 s and restarts PostgreSQL and temporal-server once each. A fixed
// seed keeps CI's schedule the same from run to run; `npm run chaos` draws a new one each time and prints it.
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../chaos/chaos.ts';

describe('chaos on the production shape', () => {
  it('pays every user exactly once, the domain’s sum, with no payment lost and no workflow failed or stuck', async () => {
    const lines: string[] = [];
    const report = await runChaos({
      users: 200,
      workers: 2,
      seed: 20261125,
      windowSeconds: 45,
      log: (line) => lines.push(line),
    });
    const faults = report.faults.map((f) => f.what);
    expect(faults).toContain('restart PostgreSQL');
    expect(faults).toContain('restart temporal-server');
    expect(faults.filter((f) => f.startsWith('SIGKILL worker')).length).toBeGreaterThanOrEqual(2);
    expect(report.violations, lines.join('\n')).toEqual([]);
    expect(report.paidCents).toBe(report.expectedCents);
    expect(report.paidCents).toBeGreaterThan(200 * 100);
  }, 300_000);
});
