import { describe, expect, it } from 'vitest';
import { formatEuros, formatHundredths, roundHalfUpToCents } from '../../src/domain/money.ts';
import { monthCashback, paymentsToNextTier, tierFor, versionFor } from '../../src/domain/program.ts';
import { PROGRAM } from '../../src/domain/program-versions.ts';

const v1 = versionFor(PROGRAM, '2027-Q1');

describe('tiers (program version 1)', () => {
  it.each([
    [0, 0, 0, 1],
    [1, 1, 1, 11],
    [11, 1, 1, 1],
    [12, 2, 2, 8],
    [19, 2, 2, 1],
    [20, 3, 3, undefined],
    [500, 3, 3, undefined],
  ])('%i eligible payments → tier %i at %i %% (%s more for the next)', (count, tier, rate, next) => {
    expect(tierFor(v1, count)).toMatchObject({ tier, ratePercent: rate });
    expect(paymentsToNextTier(v1, count)).toBe(next);
  });

  it('applies the month rate to the whole net spend, exactly in hundredths of a cent', () => {
    expect(monthCashback(v1, 1, 10_000)).toBe(10_000);
    expect(monthCashback(v1, 12, 20_000)).toBe(40_000);
    expect(monthCashback(v1, 22, 30_000)).toBe(90_000);
    expect(monthCashback(v1, 11, 12_345)).toBe(12_345);
    expect(monthCashback(v1, 0, 0)).toBe(0);
  });
});

describe('money', () => {
  it.each([
    [9_949, 99],
    [9_950, 100],
    [10_000, 100],
    [10_049, 100],
    [10_050, 101],
    [0, 0],
    [49, 0],
    [50, 1],
    [-49, 0],
    [-50, 0],
    [-51, -1],
  ])('%i hundredths of a cent round half up to %i cents', (hundredths, cents) => {
    expect(roundHalfUpToCents(hundredths)).toBe(cents);
  });

  it('formats euros and exact amounts', () => {
    expect(formatEuros(1400)).toBe('€14.00');
    expect(formatEuros(5)).toBe('€0.05');
    expect(formatEuros(-123)).toBe('-€1.23');
    expect(formatHundredths(9_950)).toBe('€0.9950');
  });
});
