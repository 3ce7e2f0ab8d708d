// Refunds that arrive before their payment (a retrying producer, a queue partitioned by anything but the user): held in
// the user's state, applied when the payment arrives, in the payment's month, as if delivered in order; rejected,
// visibly, when the refund's quarter leaves the adjustment window with no payment.
import { instantOf, monthOfInstant, quarterIndex, quarterOfMonth } from './calendar.ts';
import { LIMITS } from './config.ts';
import type { RefundEvent } from './events.ts';
import {
  applyRefund,
  duplicate,
  monthOutsideWindow,
  oldestAcceptedIndex,
  programOf,
  reject,
  type CashbackState,
  type Outcome,
} from './state.ts';

export function isHeld(state: CashbackState, refundId: string): boolean {
  return state.heldRefunds.some((held) => held.refund.refundId === refundId);
}

/** Holds a validated refund whose payment is unknown; a repeat is a duplicate, a full hold or an old refund a rejection. */
export function holdRefund(state: CashbackState, refund: RefundEvent, nowMs: number): Outcome {
  if (isHeld(state, refund.refundId)) return duplicate(state);
  const month = monthOfInstant(instantOf(refund.occurredAt), programOf(state).timeZone);
  const outside = monthOutsideWindow(state, month, nowMs);
  if (outside)
    return reject(state, refund.refundId, `refund of unknown payment ${refund.paymentId}: ${outside}`, nowMs);
  if (state.heldRefunds.length >= LIMITS.maxHeldRefunds) {
    const reason = `refund of unknown payment ${refund.paymentId}: ${LIMITS.maxHeldRefunds} refunds already wait for their payments`;
    return reject(state, refund.refundId, reason, nowMs);
  }
  state.heldRefunds.push({ refund, heldSince: new Date(nowMs).toISOString(), until: quarterOfMonth(month) });
  return { result: 'held' };
}

/** Applies, in the order they came, the refunds that waited for `paymentId` (which has just been applied). */
export function releaseHeldRefunds(state: CashbackState, paymentId: string, nowMs: number): void {
  const waiting = state.heldRefunds.filter((held) => held.refund.paymentId === paymentId);
  if (!waiting.length) return;
  state.heldRefunds = state.heldRefunds.filter((held) => held.refund.paymentId !== paymentId);
  for (const { refund } of waiting) applyRefund(state, refund, nowMs);
}

/** Rejects the held refunds whose quarter has left the adjustment window: their payment can no longer count. */
export function expireHeldRefunds(state: CashbackState, nowMs: number): void {
  const oldest = oldestAcceptedIndex(state, nowMs);
  const expired = state.heldRefunds.filter((held) => quarterIndex(held.until) < oldest);
  if (!expired.length) return;
  state.heldRefunds = state.heldRefunds.filter((held) => quarterIndex(held.until) >= oldest);
  for (const { refund, heldSince } of expired) {
    const reason = `refund of unknown payment ${refund.paymentId}: held since ${heldSince.slice(0, 10)}, no payment came before ${refund.occurredAt.slice(0, 7)} left the adjustment window`;
    reject(state, refund.refundId, reason, nowMs);
  }
}
