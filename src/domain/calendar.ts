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
 * `compute` remembering its answers (up to `limit` keys). For the calendar's pure functions asked per event, where a
 * parse or luxon's zone arithmetic per call showed in the simulator's profile; the same key always gives the same
 * answer, so workflow code stays deterministic.
 */
function remembered<V>(limit: number, compute: (key: string) => V): (key: string) => V {
  const answers = new Map<string, V>();
  return (key) => {
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = compute(key);
      if (answers.size < limit) answers.set(key, answer);
    }
    return answer;
  };
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
 * The months looked up last. Time-zone arithmetic (Intl, via luxon) is the costliest step when done per event
 * (docs/performance.md), and events come mostly in time order: nearly every lookup falls in a month just seen. A pure cache: the same
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

export const quarterOfMonth: (month: MonthKey) => QuarterKey = remembered(10_000, (month) => {
  const { year, m } = parseMonth(month);
  return quarterKey(year, Math.ceil(m / 3));
});

export function quarterOfInstant(epochMs: number, zone: string): QuarterKey {
  return quarterOfMonth(monthOfInstant(epochMs, zone));
}

export function monthsOfQuarter(quarter: QuarterKey): MonthKey[] {
  const { year, q } = quarterParts(quarter);
  return [1, 2, 3].map((i) => `${year}-${String((q - 1) * 3 + i).padStart(2, '0')}`);
}

/** Quarters as consecutive numbers, to order and count them. */
export const quarterIndex: (quarter: QuarterKey) => number = remembered(10_000, (quarter) => {
  const { year, q } = quarterParts(quarter);
  return year * 4 + (q - 1);
});

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
  return payoutInstants(`${zone}|${quarter}|${graceDays}`);
}
const payoutInstants = remembered(1_000, (key) => {
  const [zone, quarter, graceDays] = key.split('|') as [string, QuarterKey, string];
  return DateTime.fromMillis(quarterEnd(quarter, zone), { zone })
    .plus({ days: Number(graceDays) })
    .toMillis();
});

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
