// The published program: every version ever shipped, shipped with the code so that workflows read it deterministically.
//
// Published versions never change (test/domain/program-versions.test.ts holds them against a committed snapshot). A new
// version is appended, effective from a quarter that has not begun when it ships: running workflows then replay the
// same rules for every quarter they have already seen, and pick up the new version when its quarter comes, with no
// restart, signal or migration. docs/changing-the-program.md walks through it.
import type { Program } from './program.ts';

export const PROGRAM: Program = {
  timeZone: 'Europe/Stockholm',
  versions: [
    {
      version: 1,
      effectiveFrom: '2000-Q1',
      // 1–11 payments → 1 %, 12–19 → 2 %, 20+ → 3 %.
      tiers: [
        { tier: 1, minPayments: 1, ratePercent: 1 },
        { tier: 2, minPayments: 12, ratePercent: 2 },
        { tier: 3, minPayments: 20, ratePercent: 3 },
      ],
      minimumPayoutCents: 100,
      minimumPolicy: 'carry-forward',
      settlementGraceDays: 3,
      adjustmentWindowQuarters: 1,
    },
  ],
};
