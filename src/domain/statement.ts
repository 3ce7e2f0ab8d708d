// Closing a quarter: per-month lines, adjustments for late events, carry-forward, the minimum, and rounding once.
import {
  addQuarters,
  monthsOfQuarter,
  quarterIndex,
  quarterOfMonth,
  type MonthKey,
  type QuarterKey,
} from './calendar.ts';
import { LIMITS } from './config.ts';
import { roundHalfUpToCents } from './money.ts';
import { expireHeldRefunds } from './held-refunds.ts';
import { userPayoutInstant, versionFor } from './program.ts';
import { monthTally, programOf, pruneOutsideWindow, type CashbackState } from './state.ts';
import type { Adjustment, QuarterStatement, StatementOutcome } from './statement-types.ts';

function adjustments(state: CashbackState, quarter: QuarterKey): Adjustment[] {
  const earlier = new Set<MonthKey>([...Object.keys(state.months), ...Object.keys(state.settled)]);
  const result: Adjustment[] = [];
  for (const month of [...earlier].sort()) {
    if (quarterIndex(quarterOfMonth(month)) >= quarterIndex(quarter)) continue;
    const { ratePercent: _rate, cashback: now, ...recomputed } = monthTally(state, month);
    const previously = state.settled[month] ?? 0;
    if (now !== previously) result.push({ ...recomputed, previously, now, delta: now - previously });
  }
  return result;
}

/**
 * Closes `state.nextPayout.quarter` at `nowMs`: builds its statement, settles its months and the adjusted ones,
 * moves the carry-forward and schedules the next quarter. The caller pays `payableCents` (if any) under the
 * quarter's idempotency key.
 */
export function closeQuarter(state: CashbackState, nowMs: number): QuarterStatement {
  const { quarter } = state.nextPayout;
  const program = programOf(state);
  // The version in force for the quarter decides its minimum and payout.
  const version = versionFor(program, quarter);
  const { minimumPayoutCents, minimumPolicy } = version;
  // Each month under the version in force for it: also a late event's month of an earlier version.
  const lines = monthsOfQuarter(quarter).map((month) => monthTally(state, month));
  const adjusted = adjustments(state, quarter);
  const carriedIn = state.carryForward;
  const total =
    lines.reduce((sum, l) => sum + l.cashback, 0) + adjusted.reduce((sum, a) => sum + a.delta, 0) + carriedIn;
  const roundedCents = roundHalfUpToCents(total);

  let payableCents = 0;
  let carriedOut = 0;
  let forfeited = 0;
  let outcome: StatementOutcome;
  if (roundedCents >= minimumPayoutCents) {
    // Rounded once, here; the sub-cent remainder is not carried (the rule: a quarter is rounded once, when paid).
    payableCents = roundedCents;
    outcome = 'payable';
  } else {
    outcome = total === 0 ? 'nothing_due' : 'below_minimum';
    // A clawback (negative) is always carried: the Seqr Account is never debited, future cashback is reduced instead.
    if (minimumPolicy === 'forfeit' && total > 0) forfeited = total;
    else carriedOut = total;
  }

  for (const l of lines) if (l.cashback !== 0 || state.months[l.month]) state.settled[l.month] = l.cashback;
  for (const a of adjusted) state.settled[a.month] = a.now;
  state.carryForward = carriedOut;
  const next = addQuarters(quarter, 1);
  state.nextPayout = { quarter: next, at: userPayoutInstant(program, state.payoutWindowHours, state.userId, next) };

  const statement: QuarterStatement = {
    userId: state.userId,
    quarter,
    programVersion: version.version,
    closedAt: new Date(nowMs).toISOString(),
    lines,
    adjustments: adjusted,
    carriedIn,
    total,
    roundedCents,
    payableCents,
    carriedOut,
    forfeited,
    minimumPolicy,
    outcome,
  };
  state.recentStatements.push(statement);
  if (state.recentStatements.length > LIMITS.recentStatements) state.recentStatements.shift();
  return statement;
}

/**
 * Closes, in order, every quarter whose payout instant `now()` has reached, each at `now()`; then drops what has left
 * the adjustment window and rejects the held refunds whose quarter has left it. The workflow and the simulator both
 * close quarters through this, so offline runs follow the same steps at the same instants. Each statement is yielded
 * before the next quarter closes: the workflow pays it and applies the events that came meanwhile, and its clock has
 * moved by then, so `now` is asked again.
 */
export function* closeDueQuarters(state: CashbackState, now: () => number): Generator<QuarterStatement, void, void> {
  while (now() >= state.nextPayout.at) yield closeQuarter(state, now());
  const closedAt = now();
  pruneOutsideWindow(state, closedAt);
  expireHeldRefunds(state, closedAt);
}

/** The business key of a quarter's credit: the same for every retry, every run, every reset. */
export function payoutIdempotencyKey(userId: string, quarter: QuarterKey): string {
  return `cashback:${userId}:${quarter}`;
}
