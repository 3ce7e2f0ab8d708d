// The one schema a program's versions are checked against: the shipped program's test and the what-if's proposals.
// Not imported by workflow code (each cached workflow would build its own copy of these zod schemas).
import { z } from 'zod';
import { parseQuarterKey, quarterIndex } from './calendar.ts';
import { minimumPolicies, type ProgramVersion } from './program.ts';

// Money stays integer: a whole-percent rate on whole cents is exact in hundredths.
const tierSchema = z
  .object({
    tier: z.number().int().min(1, 'tier numbers start at 1'),
    minPayments: z.number().int().min(1, 'minPayments must be at least 1'),
    ratePercent: z.number().int('ratePercent must be a whole percent').min(0).max(100),
  })
  .strict();

const versionSchema = z
  .object({
    version: z.number().int().min(1),
    effectiveFrom: z.string().refine((value) => {
      try {
        return parseQuarterKey(value) === value;
      } catch {
        return false;
      }
    }, 'effectiveFrom must be a quarter like 2027-Q1'),
    tiers: z
      .array(tierSchema)
      .min(1, 'a version needs at least one tier')
      .refine(
        (tiers) => tiers.every((t, i) => i === 0 || t.minPayments > tiers[i - 1]!.minPayments),
        'tiers must be ordered by strictly increasing minPayments',
      )
      .refine((tiers) => tiers.every((t, i) => t.tier === i + 1), 'tiers must be numbered 1, 2, 3, … in order'),
    minimumPayoutCents: z.number().int('minimumPayoutCents must be whole cents').min(0),
    minimumPolicy: z.enum(minimumPolicies, { error: `minimumPolicy must be one of ${minimumPolicies.join(', ')}` }),
    settlementGraceDays: z.number().int().min(0).max(28, 'settlementGraceDays must be at most 28: Q1 is paid in April'),
    adjustmentWindowQuarters: z.number().int().min(0).max(4),
  })
  .strict();

export const programVersionsSchema = z
  .array(versionSchema)
  .min(1, 'a program needs at least one version')
  .refine((versions) => versions.every((v, i) => v.version === i + 1), 'versions must be numbered 1, 2, 3, … in order')
  .refine(
    (versions) =>
      versions.every((v, i) => i === 0 || quarterIndex(v.effectiveFrom) > quarterIndex(versions[i - 1]!.effectiveFrom)),
    'each version must take effect in a later quarter than the one before',
  );

/** A program file's content: `{ "versions": [...] }` (the zone is the shipped program's: one for all versions). */
export const programFileSchema = z
  .object({ description: z.string().optional(), versions: programVersionsSchema })
  .strict();

/** The versions of a program file, or every problem with it, each with where it is (e.g. `versions.0.tiers.1`). */
export function parseProgramVersions(
  value: unknown,
): { ok: true; versions: ProgramVersion[] } | { ok: false; errors: string[] } {
  const parsed = programFileSchema.safeParse(value);
  if (parsed.success) return { ok: true, versions: parsed.data.versions };
  return {
    ok: false,
    errors: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`),
  };
}
