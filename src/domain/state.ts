// One user's cashback state and how events change it. Deterministic, no I/O: run by the workflow and by the simulator.
import {
  addQuarters,
  monthOfInstant,
  quarterIndex,
  quarterOfInstant,
  quarterOfMonth,
  type MonthKey,
  type QuarterKey,
} from './calendar.ts';
import { DEFAULT_PAYOUT_WINDOW_HOURS, LIMITS } from './config.ts';
import { isEligible, type PaymentEvent, type RefundEvent } from './events.ts';
import type { Cents, Hundredths } from './money.ts';
import { firstOpenQuarter, userPayoutInstant, versionFor, versionForMonth, type Program } from './program.ts';
import { PROGRAM } from './program-versions.ts';
import type { QuarterStatement } from './statement-types.ts';
import { monthCashback } from './tiers.ts';

/** [amountCents, refundedCents, eligible (1) or not (0)]: a tuple, so a heavy user's state stays small. */
export type PaymentEntry = [Cents, Cents, 0 | 1];

export type PayoutStatus = 'pending' | 'failed';

/** A closed quarter whose credit has not succeeded yet. */
export interface UnpaidPayout {
  quarter: QuarterKey;
  amountCents: Cents;
  status: PayoutStatus;
  failureReason?: string;
  /** Attempts made so far, operator retries included. */
  attempts: number;
}

export interface Rejection {
  eventId: string;
  reason: string;
  at: string;
}

export interface CashbackState {
  userId: string;
  /** Captured when the user started: a deploy setting, so a later change does not move a scheduled payout. */
  payoutWindowHours: number;
  /**
   * Benches and tests only: a whole program in place of the shipped one (e.g. a grace that pays a quarter now).
   * Production leaves it unset, so every run reads the shipped versions and picks up a new one with its deploy.
   */
  program?: Program;
  /** Payments inside the adjustment window, by month, then by paymentId. */
  months: Record<MonthKey, Record<string, PaymentEntry>>;
  /** Refund ids inside the adjustment window, with the month they were applied to. */
  refunds: Record<string, MonthKey>;
  /** The exact cashback already put on a statement, per month: late events are paid as the difference. */
  settled: Record<MonthKey, Hundredths>;
  /** Exact amount carried into the next statement (below the minimum, or a clawback when negative). */
  carryForward: Hundredths;
  /** The next quarter to close, with its payout instant computed once (so an ICU data change cannot move it). */
  nextPayout: { quarter: QuarterKey; at: number };
  unpaid: Record<QuarterKey, UnpaidPayout>;
  lastPaidQuarter?: QuarterKey;
  recentStatements: QuarterStatement[];
  counters: { payments: number; refunds: number; duplicates: number; rejected: number };
  recentRejections: Rejection[];
  /** Refunds that arrived before their payment, oldest first (see held-refunds.ts). */
  heldRefunds: HeldRefund[];
}

/** A refund waiting for its payment: applied when it arrives, rejected when `until` leaves the adjustment window. */
export interface HeldRefund {
  refund: RefundEvent;
  heldSince: string;
  /** The refund's own quarter: the best estimate of its payment's, which is unknown. */
  until: QuarterKey;
}

export type Outcome =
  { result: 'accepted' } | { result: 'held' } | { result: 'duplicate' } | { result: 'rejected'; reason: string };

/** The rules a user's state follows: the shipped program, unless a bench or test gave it another. */
export function programOf(state: CashbackState): Program {
  return state.program ?? PROGRAM;
}

export interface StateSettings {
  payoutWindowHours?: number;
  /** Benches and tests only (see CashbackState.program). */
  program?: Program;
  /** Opens the books at an earlier quarter, for importing a user's history (passed quarters close at once, in order). */
  openFrom?: QuarterKey;
}

export function initialState(userId: string, nowMs: number, settings: StateSettings = {}): CashbackState {
  const program = settings.program ?? PROGRAM;
  const payoutWindowHours = settings.payoutWindowHours ?? DEFAULT_PAYOUT_WINDOW_HOURS;
  const firstOpen = firstOpenQuarter(program, nowMs);
  const { openFrom } = settings;
  const quarter = openFrom && quarterIndex(openFrom) < quarterIndex(firstOpen) ? openFrom : firstOpen;
  return {
    userId,
    payoutWindowHours,
    ...(settings.program ? { program: settings.program } : {}),
    months: {},
    refunds: {},
    settled: {},
    carryForward: 0,
    nextPayout: { quarter, at: userPayoutInstant(program, payoutWindowHours, userId, quarter) },
    unpaid: {},
    recentStatements: [],
    counters: { payments: 0, refunds: 0, duplicates: 0, rejected: 0 },
    recentRejections: [],
    heldRefunds: [],
  };
}

/**
 * The oldest quarter an event may still belong to at `nowMs`: the window (of the version in force now), or any quarter
 * not closed yet.
 */
export function oldestAcceptedQuarter(state: CashbackState, nowMs: number): QuarterKey {
  const program = programOf(state);
  const current = quarterOfInstant(nowMs, program.timeZone);
  const windowStart = addQuarters(current, -versionFor(program, current).adjustmentWindowQuarters);
  return quarterIndex(state.nextPayout.quarter) < quarterIndex(windowStart) ? state.nextPayout.quarter : windowStart;
}

export function findPayment(
  state: CashbackState,
  paymentId: string,
): { month: MonthKey; entry: PaymentEntry } | undefined {
  for (const [month, payments] of Object.entries(state.months)) {
    const entry = payments[paymentId];
    if (entry) return { month, entry };
  }
  return undefined;
}

export function reject(state: CashbackState, eventId: string, reason: string, nowMs: number): Outcome {
  state.counters.rejected += 1;
  state.recentRejections.push({ eventId, reason, at: new Date(nowMs).toISOString() });
  if (state.recentRejections.length > LIMITS.recentRejections) state.recentRejections.shift();
  return { result: 'rejected', reason };
}

export function duplicate(state: CashbackState): Outcome {
  state.counters.duplicates += 1;
  return { result: 'duplicate' };
}

export function monthOutsideWindow(state: CashbackState, month: MonthKey, nowMs: number): string | undefined {
  const oldest = oldestAcceptedQuarter(state, nowMs);
  if (quarterIndex(quarterOfMonth(month)) >= quarterIndex(oldest)) return undefined;
  return `month ${month} is older than the adjustment window (oldest open quarter ${oldest}): needs operator review`;
}

/** Applies a validated payment. Its month (by occurredAt, in the program time zone) decides where it counts. */
export function applyPayment(state: CashbackState, event: PaymentEvent, nowMs: number): Outcome {
  if (event.userId !== state.userId)
    return reject(state, event.paymentId, `payment is for user ${event.userId}, not ${state.userId}`, nowMs);
  if (findPayment(state, event.paymentId)) return duplicate(state);
  const month = monthOfInstant(Date.parse(event.occurredAt), programOf(state).timeZone);
  const outside = monthOutsideWindow(state, month, nowMs);
  if (outside) return reject(state, event.paymentId, outside, nowMs);
  const book = (state.months[month] ??= {});
  const entry: PaymentEntry = [event.amount.cents, 0, isEligible(event.kind) ? 1 : 0];
  book[event.paymentId] = entry;
  const tally = tallies.get(book);
  if (tally && entry[2]) {
    tally.eligiblePayments += 1;
    tally.netSpendCents += entry[0];
  }
  state.counters.payments += 1;
  return { result: 'accepted' };
}

/** Applies a validated refund to the month of the payment it reverses, whenever it happens. */
export function applyRefund(state: CashbackState, event: RefundEvent, nowMs: number): Outcome {
  if (event.userId !== state.userId)
    return reject(state, event.refundId, `refund is for user ${event.userId}, not ${state.userId}`, nowMs);
  if (state.refunds[event.refundId]) return duplicate(state);
  const payment = findPayment(state, event.paymentId);
  if (!payment)
    return reject(
      state,
      event.refundId,
      `refund of unknown payment ${event.paymentId} (never received, or older than the adjustment window)`,
      nowMs,
    );
  const outside = monthOutsideWindow(state, payment.month, nowMs);
  if (outside) return reject(state, event.refundId, outside, nowMs);
  const left = payment.entry[0] - payment.entry[1];
  if (event.amount.cents > left) {
    return reject(
      state,
      event.refundId,
      `refund of ${event.amount.cents} cents exceeds the ${left} cents left of payment ${event.paymentId}`,
      nowMs,
    );
  }
  const tally = tallies.get(state.months[payment.month]!);
  if (tally && payment.entry[2]) {
    tally.netSpendCents -= event.amount.cents;
    if (event.amount.cents === left) tally.eligiblePayments -= 1; // fully refunded: it no longer counts
  }
  payment.entry[1] += event.amount.cents;
  state.refunds[event.refundId] = payment.month;
  state.counters.refunds += 1;
  return { result: 'accepted' };
}

/** What is left of a payment, for the client's pre-check of a refund. */
export function paymentRemaining(state: CashbackState, paymentId: string): Cents | undefined {
  const payment = findPayment(state, paymentId);
  return payment ? payment.entry[0] - payment.entry[1] : undefined;
}

export interface MonthTally {
  month: MonthKey;
  /** The program version in force for the month, which sets its tier and rate. */
  programVersion: number;
  /** Eligible payments not fully refunded. */
  eligiblePayments: number;
  netSpendCents: Cents;
  cashback: Hundredths;
}

/**
 * Running tallies per month's payments, kept up to date as events apply so that the status, the tier and the search
 * attributes cost O(1) per event, not O(payments): a heavy user's workflow task stays fast. Derived, so never
 * persisted:
 * rebuilt lazily (once per month) after continue-as-new or replay.
 */
const tallies = new WeakMap<Record<string, PaymentEntry>, { eligiblePayments: number; netSpendCents: Cents }>();

function tallyOf(book: Record<string, PaymentEntry>): { eligiblePayments: number; netSpendCents: Cents } {
  let tally = tallies.get(book);
  if (!tally) {
    tally = { eligiblePayments: 0, netSpendCents: 0 };
    for (const [amount, refunded, eligible] of Object.values(book)) {
      if (!eligible || refunded >= amount) continue;
      tally.eligiblePayments += 1;
      tally.netSpendCents += amount - refunded;
    }
    tallies.set(book, tally);
  }
  return tally;
}

export function monthTally(state: CashbackState, month: MonthKey): MonthTally {
  const book = state.months[month];
  const { eligiblePayments, netSpendCents } = book ? tallyOf(book) : { eligiblePayments: 0, netSpendCents: 0 };
  const version = versionForMonth(programOf(state), month);
  return {
    month,
    programVersion: version.version,
    eligiblePayments,
    netSpendCents,
    cashback: monthCashback(version, eligiblePayments, netSpendCents),
  };
}

/** Drops what lies before the adjustment window: events there are rejected anyway, so nothing is lost. */
export function pruneOutsideWindow(state: CashbackState, nowMs: number): void {
  const oldest = quarterIndex(oldestAcceptedQuarter(state, nowMs));
  const old = (month: MonthKey) => quarterIndex(quarterOfMonth(month)) < oldest;
  for (const month of Object.keys(state.months)) if (old(month)) delete state.months[month];
  for (const month of Object.keys(state.settled)) if (old(month)) delete state.settled[month];
  for (const [refundId, month] of Object.entries(state.refunds)) if (old(month)) delete state.refunds[refundId];
}
