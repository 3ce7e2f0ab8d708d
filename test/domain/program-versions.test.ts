// The versioned program: published versions never change, a month follows the version in force for it, a quarter's
// minimum follows the version in force for the quarter, and existing users pick up a version when its quarter comes.
import fc from 'fast-check';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { applyRawEvent } from '../../src/domain/apply-event.ts';
import { addQuarters, isoInZone, isValidTimeZone, quarterIndex } from '../../src/domain/calendar.ts';
import { parseProgramVersions } from '../../src/domain/program-schema.ts';
import { PROGRAM } from '../../src/domain/program-versions.ts';
import { quarterPayoutInstant, versionFor, type Program, type ProgramVersion } from '../../src/domain/program.ts';
import { closeQuarter } from '../../src/domain/statement.ts';
import { initialState, type CashbackState } from '../../src/domain/state.ts';
import { statusOf } from '../../src/domain/status.ts';
import { splitCents } from '../../src/domain/money.ts';

const published = JSON.parse(await readFile(new URL('./published-program.json', import.meta.url), 'utf8')) as Program;

describe('the published program', () => {
  it('never changes a published version (test/domain/published-program.json holds them)', () => {
    expect(PROGRAM.timeZone, 'the program time zone is one for all versions and never changes').toBe(
      published.timeZone,
    );
    for (const version of published.versions)
      expect(PROGRAM.versions[version.version - 1], `published version ${version.version} changed`).toEqual(version);
  });

  it('ships only published versions: a new one is appended to the snapshot when it ships', () => {
    expect(PROGRAM.versions.map((v) => v.version)).toEqual(published.versions.map((v) => v.version));
  });

  it('is a valid program: numbered in order, each effective after the one before, tiers in order', () => {
    expect(parseProgramVersions({ versions: PROGRAM.versions })).toEqual({ ok: true, versions: PROGRAM.versions });
    expect(isValidTimeZone(PROGRAM.timeZone)).toBe(true);
  });
});

describe('program files', () => {
  const v1 = PROGRAM.versions[0]!;
  const errors = (value: unknown) => {
    const parsed = parseProgramVersions(value);
    return parsed.ok ? [] : parsed.errors;
  };

  it.each([
    ['not an object', 42, ['(file): Invalid input: expected object, received number']],
    ['no versions', { versions: [] }, ['versions: a program needs at least one version']],
    [
      'a fractional rate',
      { versions: [{ ...v1, tiers: [{ tier: 1, minPayments: 1, ratePercent: 1.5 }] }] },
      ['versions.0.tiers.0.ratePercent: ratePercent must be a whole percent'],
    ],
    [
      'tiers out of order',
      { versions: [{ ...v1, tiers: [v1.tiers[1], v1.tiers[0]] }] },
      [
        'versions.0.tiers: tiers must be ordered by strictly increasing minPayments',
        'versions.0.tiers: tiers must be numbered 1, 2, 3, … in order',
      ],
    ],
    [
      'a bad quarter',
      { versions: [{ ...v1, effectiveFrom: '2027Q1' }] },
      ['versions.0.effectiveFrom: effectiveFrom must be a quarter like 2027-Q1'],
    ],
    [
      'versions out of order',
      { versions: [v1, { ...v1, version: 2, effectiveFrom: '1999-Q4' }] },
      ['versions: each version must take effect in a later quarter than the one before'],
    ],
    [
      'a gap in numbering',
      { versions: [{ ...v1, version: 2 }] },
      ['versions: versions must be numbered 1, 2, 3, … in order'],
    ],
    ['an unknown rule', { versions: [{ ...v1, cap: 5 }] }, ['versions.0: Unrecognized key: "cap"']],
    [
      'a minimum in euros',
      { versions: [{ ...v1, minimumPayoutCents: 1.5 }] },
      ['versions.0.minimumPayoutCents: minimumPayoutCents must be whole cents'],
    ],
  ])('refuses %s, saying where', (_, value, expected) => {
    // Every error, each naming its field: nothing more, nothing less.
    expect(errors(value)).toEqual(expected);
  });
});

describe('versionFor', () => {
  const quarter = fc.integer({ min: 2000 * 4, max: 2100 * 4 }).map((i) => `${Math.floor(i / 4)}-Q${(i % 4) + 1}`);

  it('property: the version in force is the last one effective at or before the quarter (the first before all)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(quarter, { minLength: 1, maxLength: 6 }), quarter, (starts, asked) => {
        const sorted = [...starts].sort((a, b) => quarterIndex(a) - quarterIndex(b));
        const program: Program = {
          timeZone: PROGRAM.timeZone,
          versions: sorted.map((effectiveFrom, i) => ({ ...PROGRAM.versions[0]!, version: i + 1, effectiveFrom })),
        };
        const found = versionFor(program, asked);
        const effective = program.versions.filter((v) => quarterIndex(v.effectiveFrom) <= quarterIndex(asked));
        expect(found).toBe(effective.at(-1) ?? program.versions[0]);
        // Stable through the quarter after: a version changes only where the next one starts.
        const next = versionFor(program, addQuarters(asked, 1));
        expect(next.version === found.version || next.effectiveFrom === addQuarters(asked, 1)).toBe(true);
      }),
    );
  });
});

// A user who started under version 1; version 2 ships during 2027-Q2 and takes effect from 2027-Q3.
const V2: ProgramVersion = {
  version: 2,
  effectiveFrom: '2027-Q3',
  tiers: [
    { tier: 1, minPayments: 1, ratePercent: 2 },
    { tier: 2, minPayments: 5, ratePercent: 4 },
  ],
  minimumPayoutCents: 500,
  minimumPolicy: 'forfeit',
  settlementGraceDays: 5,
  adjustmentWindowQuarters: 1,
};
const before: Program = { ...PROGRAM, versions: [PROGRAM.versions[0]!] };
const after: Program = { ...PROGRAM, versions: [PROGRAM.versions[0]!, V2] };

const user = 'u-versions';
let n = 0;
function pay(state: CashbackState, cents: number, occurredAt: string, receivedAt = occurredAt) {
  n += 1;
  const raw = {
    paymentId: `p${n}`,
    userId: user,
    amount: { cents, currency: 'EUR' },
    kind: 'in_store',
    fundingAccount: 'seqr_account',
    occurredAt,
  };
  expect(applyRawEvent(state, 'payment', raw, Date.parse(receivedAt)).result).toBe('accepted');
}
/** Closes the quarter due at its payout instant. */
const close = (state: CashbackState) => closeQuarter(state, state.nextPayout.at);

describe('versions over time', () => {
  it('pays the seed example €14.00 under version 1', () => {
    const state = initialState(user, Date.parse('2027-01-05T00:00:00+01:00'));
    pay(state, 10_000, '2027-01-10T12:00:00+01:00');
    for (const cents of splitCents(20_000, 12)) pay(state, cents, '2027-02-10T12:00:00+01:00');
    for (const cents of splitCents(30_000, 22)) pay(state, cents, '2027-03-10T12:00:00+01:00');
    const statement = close(state);
    expect(statement).toMatchObject({ programVersion: 1, payableCents: 1400, outcome: 'payable' });
    expect(statement.lines.map((l) => [l.programVersion, l.tier, l.ratePercent])).toEqual([
      [1, 1, 1],
      [1, 2, 2],
      [1, 3, 3],
    ]);
  });

  it('applies a tier change effective from a future quarter to a user who started before it', () => {
    // The deploy that brings version 2 swaps the program under the running state: no restart, signal or migration.
    const state = initialState(user, Date.parse('2027-04-05T00:00:00+02:00'), { program: before });
    for (const cents of splitCents(30_000, 6)) pay(state, cents, '2027-05-10T12:00:00+02:00');
    state.program = after;
    const q2 = close(state);
    expect(q2).toMatchObject({ quarter: '2027-Q2', programVersion: 1, payableCents: 300 });
    expect(q2.lines[1]).toMatchObject({ month: '2027-05', programVersion: 1, tier: 1, ratePercent: 1 });
    // Q3's payout instant follows version 2's grace: 6 October (5 days), not 4 October; then the user's window offset.
    const q3Payout = quarterPayoutInstant(after, '2027-Q3');
    expect(isoInZone(q3Payout, PROGRAM.timeZone)).toBe('2027-10-06T00:00:00.000+02:00');
    expect(state.nextPayout.at - q3Payout).toBeGreaterThanOrEqual(0);
    expect(state.nextPayout.at - q3Payout).toBeLessThan(24 * 3_600_000);
    expect(statusOf(state, Date.parse('2027-08-01T12:00:00+02:00'))).toMatchObject({
      currentMonth: { programVersion: 2, tier: 0, paymentsToNextTier: 1 },
      openQuarter: { quarter: '2027-Q3', programVersion: 2 },
    });
    for (const cents of splitCents(30_000, 6)) pay(state, cents, '2027-08-10T12:00:00+02:00');
    const q3 = close(state);
    expect(q3).toMatchObject({ quarter: '2027-Q3', programVersion: 2, payableCents: 1200 });
    expect(q3.lines[1]).toMatchObject({ month: '2027-08', programVersion: 2, tier: 2, ratePercent: 4 });
  });

  it('recomputes a late event for a month before the change under the old rates', () => {
    const state = initialState(user, Date.parse('2027-04-05T00:00:00+02:00'), { program: after });
    for (const cents of splitCents(11_000, 11)) pay(state, cents, '2027-06-10T12:00:00+02:00');
    expect(close(state)).toMatchObject({ quarter: '2027-Q2', programVersion: 1, payableCents: 110 });
    // In August, a June payment arrives late: June now has 12 payments, tier 2 of version 1 (2 %, on €120).
    pay(state, 1_000, '2027-06-20T12:00:00+02:00', '2027-08-01T12:00:00+02:00');
    pay(state, 50_000, '2027-08-10T12:00:00+02:00');
    const q3 = close(state);
    expect(q3.adjustments).toEqual([
      expect.objectContaining({ month: '2027-06', programVersion: 1, tier: 2, previously: 11_000, now: 24_000 }),
    ]);
    // Q3 itself under version 2: €500 at 2 % = €10.00, plus the €1.30 adjustment.
    expect(q3).toMatchObject({ programVersion: 2, payableCents: 1130 });
  });

  it("takes a quarter's minimum and policy from the version in force for the quarter", () => {
    const state = initialState(user, Date.parse('2027-04-05T00:00:00+02:00'), { program: after });
    pay(state, 15_000, '2027-05-10T12:00:00+02:00');
    // Q2 under version 1: €1.50 reaches its €1 minimum.
    expect(close(state)).toMatchObject({ programVersion: 1, payableCents: 150, outcome: 'payable' });
    pay(state, 20_000, '2027-08-10T12:00:00+02:00');
    // Q3 under version 2: €4.00 is below its €5 minimum, and version 2 forfeits.
    expect(close(state)).toMatchObject({
      programVersion: 2,
      payableCents: 0,
      forfeited: 40_000,
      carriedOut: 0,
      minimumPolicy: 'forfeit',
      outcome: 'below_minimum',
    });
  });
});
