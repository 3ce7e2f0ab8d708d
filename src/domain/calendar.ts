// The program calendar: calendar months and quarters in the program time zone (luxon, which works in the workflow
// sandbox).
import { DateTime } from 'luxon';

/** 'YYYY-MM' */
export type MonthKey = string;
/** 'YYYY-Qn' */
export type QuarterKey = string;

const QUARTER_PATTERN = /^(\d{4})-Q([1-4])$/;
const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isValidTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/** A quarter key that is not of the form 2027-Q1: bad input wherever it comes from (operator, client, update). */
export class InvalidQuarterError extends RangeError {
  override name = 'InvalidQuarterError';
}

/** The one check of a quarter key: returns it typed, or throws InvalidQuarterError. */
export function parseQuarterKey(value: unknown): QuarterKey {
  if (typeof value !== 'string' || !QUARTER_PATTERN.test(value)) {
    throw new InvalidQuarterError(`quarter must look like 2027-Q1, got ${JSON.stringify(value)}`);
  }
  return value;
}

function quarterParts(quarter: QuarterKey): { year: number; q: number } {
  const match = QUARTER_PATTERN.exec(parseQuarterKey(quarter))!;
  return { year: Number(match[1]), q: Number(match[2]) };
}

function parseMonth(month: MonthKey): { year: number; m: number } {
  const match = MONTH_PATTERN.exec(month);
  if (!match) throw new RangeError(`month must look like 2027-01, got "${month}"`);
  return { year: Number(match[1]), m: Number(match[2]) };
}

function quarterKey(year: number, q: number): QuarterKey {
  return `${year}-Q${q}`;
}

/** The calendar month, in the program time zone, of an instant (epoch ms). */
export function monthOfInstant(epochMs: number, zone: string): MonthKey {
  return DateTime.fromMillis(epochMs, { zone }).toFormat('yyyy-MM');
}

export function quarterOfMonth(month: MonthKey): QuarterKey {
  const { year, m } = parseMonth(month);
  return quarterKey(year, Math.ceil(m / 3));
}

export function quarterOfInstant(epochMs: number, zone: string): QuarterKey {
  return quarterOfMonth(monthOfInstant(epochMs, zone));
}

export function monthsOfQuarter(quarter: QuarterKey): MonthKey[] {
  const { year, q } = quarterParts(quarter);
  return [1, 2, 3].map((i) => `${year}-${String((q - 1) * 3 + i).padStart(2, '0')}`);
}

/** Quarters ordered in time: positive when a is later than b. */
export function quarterIndex(quarter: QuarterKey): number {
  const { year, q } = quarterParts(quarter);
  return year * 4 + (q - 1);
}

export function addQuarters(quarter: QuarterKey, count: number): QuarterKey {
  const index = quarterIndex(quarter) + count;
  return quarterKey(Math.floor(index / 4), (index % 4) + 1);
}

/** 00:00 local time on the first day of the next quarter. */
export function quarterEnd(quarter: QuarterKey, zone: string): number {
  const { year, q } = quarterParts(quarter);
  return DateTime.fromObject({ year, month: (q - 1) * 3 + 1, day: 1 }, { zone })
    .plus({ months: 3 })
    .toMillis();
}

/** When a quarter is paid: its end plus the settlement grace, in local calendar days (Q1 → April, Q4 → January). */
export function payoutInstant(quarter: QuarterKey, zone: string, graceDays: number): number {
  return DateTime.fromMillis(quarterEnd(quarter, zone), { zone }).plus({ days: graceDays }).toMillis();
}

/**
 * A user's place in the payout window: a stable fraction of it, from a hash of the userId (32-bit FNV-1a), so that
 * payouts spread evenly and the same user always gets the same instant.
 */
export function payoutOffsetMs(userId: string, windowHours: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return Math.floor((hash / 2 ** 32) * windowHours * 3_600_000);
}

export function isoInZone(epochMs: number, zone: string): string {
  return DateTime.fromMillis(epochMs, { zone }).toISO() ?? new Date(epochMs).toISOString();
}
