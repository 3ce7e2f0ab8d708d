// One user's cashback state and how events change it. Deterministic, no I/O: run by the workflow and by the simulator.
import {
  instantOf,
  monthOfInstant,
  quarterFromIndex,
  quarterIndex,
  quarterOfInstant,
  quarterOfMonth,
  type MonthKey,
  type QuarterKey,
} from './calendar.ts';
import { DEFAULT_PAYOUT_WINDOW_HOURS, LIMITS } from './config.ts';
import { isEligible, type PaymentEvent, type RefundEvent } from './events.ts';
import type { Cents, Hundredths } from './money.ts';
import type { UnpaidPayoutStatus } from './payout-status.ts';
import {
  firstOpenQuarter,
  monthCashback,
  tierFor,
  userPayoutInstant,
  versionFor,
  versionForMonth,
  type Program,
} from './program.ts';
import { PROGRAM } from './program-versions.ts';
import type { MonthTally, QuarterStatement } from './statement-types.ts';

/**
 * A payment as one number: the cents left of it after refunds, negated when it is not eligible (0 once fully refunded,
 * when eligibility no longer matters). A number, not an object: a heavy user's state and the simulator's memory stay
 * small.
 */
export type PaymentEntry = number;

const centsLeft = (entry: PaymentEntry): Cents => Math.abs(entry);
const isEligibleEntry = (entry: PaymentEntry): boolean => entry > 0;

/** A closed quarter whose credit has not succeeded yet. */
export interface UnpaidPayout {
  quarter: QuarterKey;
  amountCents: Cents;
  status: UnpaidPayoutStatus;
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
 * The oldest quarter an event may still belong to at `nowMs`, as a quarterIndex (asked for every event, so no quarter
 * key is built): the window (of the version in force now), or any quarter not closed yet.
 */
export function oldestAcceptedIndex(state: CashbackState, nowMs: number): number {
  const program = programOf(state);
  const current = quarterOfInstant(nowMs, program.timeZone);
  const windowStart = quarterIndex(current) - versionFor(program, current).adjustmentWindowQuarters;
  return Math.min(quarterIndex(state.nextPayout.quarter), windowStart);
}

export function findPayment(
  state: CashbackState,
  paymentId: string,
): { month: MonthKey; entry: PaymentEntry } | undefined {
  const month = paymentIndex(state).get(paymentId);
  const entry = month === undefined ? undefined : state.months[month]?.[paymentId];
  // A payment refunded in full is 0, and still known.
  return entry === undefined ? undefined : { month: month!, entry };
}

/**
 * Which month holds each payment, so that finding one (every event does) is one lookup, not one per month: it was the
 * simulator's largest cost. Derived, like the tallies below: never persisted, rebuilt after continue-as-new or pruning.
 */
const paymentMonths = new WeakMap<CashbackState['months'], Map<string, MonthKey>>();

function paymentIndex(state: CashbackState): Map<string, MonthKey> {
  let index = paymentMonths.get(state.months);
  if (!index) {
    index = new Map();
    for (const month in state.months) for (const paymentId in state.months[month]) index.set(paymentId, month);
    paymentMonths.set(state.months, index);
  }
  return index;
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
  const oldest = oldestAcceptedIndex(state, nowMs);
  if (quarterIndex(quarterOfMonth(month)) >= oldest) return undefined;
  return `month ${month} is older than the adjustment window (oldest open quarter ${quarterFromIndex(oldest)}): needs operator review`;
}

/** Applies a validated payment. Its month (by occurredAt, in the program time zone) decides where it counts. */
export function applyPayment(state: CashbackState, event: PaymentEvent, nowMs: number): Outcome {
  if (event.userId !== state.userId)
    return reject(state, event.paymentId, `payment is for user ${event.userId}, not ${state.userId}`, nowMs);
  if (findPayment(state, event.paymentId)) return duplicate(state);
  const month = monthOfInstant(instantOf(event.occurredAt), programOf(state).timeZone);
  const outside = monthOutsideWindow(state, month, nowMs);
  if (outside) return reject(state, event.paymentId, outside, nowMs);
  // Keyed by payment ids, all different: a null-prototype object is a hash table from the start in V8, where `{}` made a
  // hidden class per new id (2 µs and ~100 bytes a payment in the simulator's profile).
  const book = (state.months[month] ??= Object.create(null) as Record<string, PaymentEntry>);
  const entry: PaymentEntry = isEligible(event.kind) ? event.amount.cents : -event.amount.cents;
  book[event.paymentId] = entry;
  paymentIndex(state).set(event.paymentId, month);
  const tally = tallies.get(book);
  if (tally && isEligibleEntry(entry)) {
    tally.eligiblePayments += 1;
    tally.netSpendCents += entry;
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
  const left = centsLeft(payment.entry);
  if (event.amount.cents > left) {
    return reject(
      state,
      event.refundId,
      `refund of ${event.amount.cents} cents exceeds the ${left} cents left of payment ${event.paymentId}`,
      nowMs,
    );
  }
  const tally = tallies.get(state.months[payment.month]!);
  const eligible = isEligibleEntry(payment.entry);
  if (tally && eligible) {
    tally.netSpendCents -= event.amount.cents;
    if (event.amount.cents === left) tally.eligiblePayments -= 1; // fully refunded: it no longer counts
  }
  const rest = left - event.amount.cents;
  state.months[payment.month]![event.paymentId] = eligible ? rest : -rest;
  state.refunds[event.refundId] = payment.month;
  state.counters.refunds += 1;
  return { result: 'accepted' };
}

/** What is left of a payment, for the client's pre-check of a refund. */
export function paymentRemaining(state: CashbackState, paymentId: string): Cents | undefined {
  const payment = findPayment(state, paymentId);
  return payment ? centsLeft(payment.entry) : undefined;
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
    for (const paymentId in book) {
      const entry = book[paymentId]!;
      if (!isEligibleEntry(entry)) continue;
      tally.eligiblePayments += 1;
      tally.netSpendCents += entry;
    }
    tallies.set(book, tally);
  }
  return tally;
}

export function monthTally(state: CashbackState, month: MonthKey): MonthTally {
  const book = state.months[month];
  const { eligiblePayments, netSpendCents } = book ? tallyOf(book) : { eligiblePayments: 0, netSpendCents: 0 };
  const version = versionForMonth(programOf(state), month);
  const { tier, ratePercent } = tierFor(version, eligiblePayments);
  return {
    month,
    programVersion: version.version,
    eligiblePayments,
    netSpendCents,
    tier,
    ratePercent,
    cashback: monthCashback(version, eligiblePayments, netSpendCents),
  };
}

/** Drops what lies before the adjustment window: events there are rejected anyway, so nothing is lost. */
export function pruneOutsideWindow(state: CashbackState, nowMs: number): void {
  const oldest = oldestAcceptedIndex(state, nowMs);
  const old = (month: MonthKey) => quarterIndex(quarterOfMonth(month)) < oldest;
  for (const month of Object.keys(state.months)) if (old(month)) delete state.months[month];
  paymentMonths.delete(state.months);
  for (const month of Object.keys(state.settled)) if (old(month)) delete state.settled[month];
  for (const [refundId, month] of Object.entries(state.refunds)) if (old(month)) delete state.refunds[refundId];
}
