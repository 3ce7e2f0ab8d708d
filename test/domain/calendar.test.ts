import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addQuarters,
  monthOfInstant,
  monthsOfQuarter,
  parseQuarterKey,
  payoutInstant,
  payoutOffsetMs,
  quarterEnd,
  quarterOfInstant,
} from '../../src/domain/calendar.ts';
import { firstOpenQuarter, quarterPayoutInstant, userPayoutInstant } from '../../src/domain/program.ts';
import { PROGRAM } from '../../src/domain/program-versions.ts';

const zone = 'Europe/Stockholm';
const at = (iso: string) => Date.parse(iso);

describe('program calendar (Europe/Stockholm)', () => {
  it.each([
    ['2027-01-31T22:59:59.999Z', '2027-01'],
    ['2027-01-31T23:00:00.000Z', '2027-02'], // midnight CET = 23:00 UTC
    ['2027-03-31T21:59:59.999Z', '2027-03'],
    ['2027-03-31T22:00:00.000Z', '2027-04'], // after the spring change: CEST
    ['2027-10-31T22:59:59.999Z', '2027-10'],
    ['2027-10-31T23:00:00.000Z', '2027-11'], // the autumn change is that very day
    ['2027-12-31T22:59:59.999Z', '2027-12'],
    ['2027-12-31T23:00:00.000Z', '2028-01'],
  ])('%s falls in %s', (instant, month) => {
    expect(monthOfInstant(at(instant), zone)).toBe(month);
  });

  it('decides the month by the offset given, not by UTC', () => {
    expect(monthOfInstant(at('2027-02-01T00:30:00+01:00'), zone)).toBe('2027-02');
    expect(monthOfInstant(at('2027-01-31T23:30:00-05:00'), zone)).toBe('2027-02');
  });

  it('closes each quarter at local midnight and pays it after the grace period: Q4 in January of the next year', () => {
    expect(new Date(quarterEnd('2027-Q1', zone)).toISOString()).toBe('2027-03-31T22:00:00.000Z');
    expect(new Date(payoutInstant('2027-Q1', zone, 3)).toISOString()).toBe('2027-04-03T22:00:00.000Z');
    expect(new Date(payoutInstant('2027-Q2', zone, 3)).toISOString()).toBe('2027-07-03T22:00:00.000Z');
    expect(new Date(payoutInstant('2027-Q3', zone, 3)).toISOString()).toBe('2027-10-03T22:00:00.000Z');
    expect(new Date(payoutInstant('2027-Q4', zone, 3)).toISOString()).toBe('2028-01-03T23:00:00.000Z');
  });

  it('knows the first quarter still open: the previous one during its grace period', () => {
    expect(firstOpenQuarter(PROGRAM, at('2027-04-02T12:00:00Z'))).toBe('2027-Q1');
    expect(firstOpenQuarter(PROGRAM, at('2027-04-04T12:00:00Z'))).toBe('2027-Q2');
    expect(firstOpenQuarter(PROGRAM, at('2028-01-02T12:00:00Z'))).toBe('2027-Q4');
  });

  it('walks quarters across years and rejects malformed ones', () => {
    expect(addQuarters('2027-Q4', 1)).toBe('2028-Q1');
    expect(addQuarters('2027-Q1', -1)).toBe('2026-Q4');
    expect(monthsOfQuarter('2027-Q4')).toEqual(['2027-10', '2027-11', '2027-12']);
    expect(() => parseQuarterKey('2027-Q5')).toThrow(/2027-Q1/);
  });

  it('property: every instant lies inside its quarter, between the previous quarter end and its own', () => {
    fc.assert(
      fc.property(fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }), (instant) => {
        const quarter = quarterOfInstant(instant, zone);
        expect(instant).toBeLessThan(quarterEnd(quarter, zone));
        expect(instant).toBeGreaterThanOrEqual(quarterEnd(addQuarters(quarter, -1), zone));
        expect(monthsOfQuarter(quarter)).toContain(monthOfInstant(instant, zone));
      }),
      { numRuns: 500 },
    );
  });
});

describe('payout window', () => {
  const program = PROGRAM;
  const base = quarterPayoutInstant(program, '2027-Q1');
  const instant = (userId: string, windowHours = 24) => userPayoutInstant(program, windowHours, userId, '2027-Q1');

  it('gives two users different instants inside the window, the same ones every time', () => {
    const [a, b] = [instant('alice'), instant('bob')];
    expect(a).not.toBe(b);
    for (const at of [a, b]) {
      expect(at).toBeGreaterThanOrEqual(base);
      expect(at).toBeLessThan(base + 24 * 3_600_000);
    }
    expect([instant('alice'), instant('bob')]).toEqual([a, b]);
    // Still the promised day: Q1 is paid on 4 April, local time.
    expect(DateTime.fromMillis(a, { zone: program.timeZone }).toISODate()).toBe('2027-04-04');
  });

  it('spreads many users evenly over the window, and a window of 0 pays everyone at the instant', () => {
    const hours = Array.from({ length: 24 }, () => 0);
    for (let i = 0; i < 24_000; i++) hours[Math.floor(payoutOffsetMs(`user-${i}`, 24) / 3_600_000)]! += 1;
    expect(Math.min(...hours)).toBeGreaterThan(800); // 1,000 expected per hour
    expect(Math.max(...hours)).toBeLessThan(1_200);
    expect(instant('alice', 0)).toBe(base);
  });
});
