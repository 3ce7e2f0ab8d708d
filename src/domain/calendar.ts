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

/**
 * Date.parse of an ISO instant, remembering the last one: an event's occurredAt is read by the validation, the
 * window check and the month lookup in turn, and parsing showed in the simulator's profile.
 */
export function instantOf(iso: string): number {
  if (iso !== lastInstant.iso) {
    lastInstant.iso = iso;
    lastInstant.ms = Date.parse(iso);
  }
  return lastInstant.ms;
}
const lastInstant = { iso: '', ms: Number.NaN };

/** A month's key and its local bounds [start, end) in epoch ms. */
interface MonthSpan {
  zone: string;
  month: MonthKey;
  start: number;
  end: number;
}

/**
 * The months looked up last. Time-zone arithmetic (Intl, via luxon) cost ~35 % of the simulator's time when done per
 * event, and events come mostly in time order: nearly every lookup falls in a month just seen. A pure cache: the same
 * instant always gives the same month, so workflow code stays deterministic.
 */
const recentMonths: MonthSpan[] = [];
const RECENT_MONTHS = 8;

/** The calendar month, in the program time zone, of an instant (epoch ms). */
export function monthOfInstant(epochMs: number, zone: string): MonthKey {
  for (const span of recentMonths)
    if (epochMs >= span.start && epochMs < span.end && span.zone === zone) return span.month;
  const local = DateTime.fromMillis(epochMs, { zone }).startOf('month');
  const span = {
    zone,
    month: local.toFormat('yyyy-MM'),
    start: local.toMillis(),
    end: local.plus({ months: 1 }).toMillis(),
  };
  recentMonths.unshift(span);
  if (recentMonths.length > RECENT_MONTHS) recentMonths.pop();
  return span.month;
}

export function quarterOfMonth(month: MonthKey): QuarterKey {
  let quarter = quarterOfMonths.get(month);
  if (quarter === undefined) {
    const { year, m } = parseMonth(month);
    quarter = quarterKey(year, Math.ceil(m / 3));
    if (quarterOfMonths.size < 10_000) quarterOfMonths.set(month, quarter);
  }
  return quarter;
}
/** Asked per event: a regex per call showed in the simulator's profile. */
const quarterOfMonths = new Map<MonthKey, QuarterKey>();

export function quarterOfInstant(epochMs: number, zone: string): QuarterKey {
  return quarterOfMonth(monthOfInstant(epochMs, zone));
}

export function monthsOfQuarter(quarter: QuarterKey): MonthKey[] {
  const { year, q } = quarterParts(quarter);
  return [1, 2, 3].map((i) => `${year}-${String((q - 1) * 3 + i).padStart(2, '0')}`);
}

/** Quarters as consecutive numbers, to order and count them. */
export function quarterIndex(quarter: QuarterKey): number {
  // Called per event and per month in a state: a parse per call showed in the simulator's profile.
  let index = quarterIndices.get(quarter);
  if (index === undefined) {
    const { year, q } = quarterParts(quarter);
    index = year * 4 + (q - 1);
    if (quarterIndices.size < 10_000) quarterIndices.set(quarter, index);
  }
  return index;
}
const quarterIndices = new Map<QuarterKey, number>();

/** The quarter of a quarterIndex. */
export function quarterFromIndex(index: number): QuarterKey {
  return quarterKey(Math.floor(index / 4), (index % 4) + 1);
}

export function addQuarters(quarter: QuarterKey, count: number): QuarterKey {
  return quarterFromIndex(quarterIndex(quarter) + count);
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
  // Asked once per user per quarter: a million users share a handful of answers.
  const key = `${zone} ${quarter} ${graceDays}`;
  let instant = payoutInstants.get(key);
  if (instant === undefined) {
    instant = DateTime.fromMillis(quarterEnd(quarter, zone), { zone }).plus({ days: graceDays }).toMillis();
    if (payoutInstants.size < 1_000) payoutInstants.set(key, instant);
  }
  return instant;
}
const payoutInstants = new Map<string, number>();

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
