// A deploy to come: the shipped program plus one more version, effective from a quarter far ahead of every recorded
// history and every test's clock (so it has "not begun when it ships", whenever the tests run). Tests bundle the
// workflows with this module in place of src/domain/program-versions.ts (bundles.ts) and redeploy onto it.
import type { Program, ProgramVersion } from '../../src/domain/program.ts';
import { PROGRAM as SHIPPED } from '../../src/domain/program-versions.ts';

export const NEXT_QUARTER = '2090-Q1';

/** Different in every rule: richer tiers, a €2 minimum that forfeits, a longer grace. */
export const NEXT_VERSION: ProgramVersion = {
  version: SHIPPED.versions.length + 1,
  effectiveFrom: NEXT_QUARTER,
  tiers: [
    { tier: 1, minPayments: 1, ratePercent: 2 },
    { tier: 2, minPayments: 5, ratePercent: 4 },
    { tier: 3, minPayments: 10, ratePercent: 5 },
  ],
  minimumPayoutCents: 200,
  minimumPolicy: 'forfeit',
  settlementGraceDays: 5,
  adjustmentWindowQuarters: 1,
};

export const PROGRAM: Program = { ...SHIPPED, versions: [...SHIPPED.versions, NEXT_VERSION] };
