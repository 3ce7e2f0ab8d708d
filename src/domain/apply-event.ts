// One entry point for an incoming event, as received: validate again (defensively), then apply or record the rejection.
import { describeRawEvent, validateEvent, type EventType, type PaymentEvent, type RefundEvent } from './events.ts';
import { holdRefund, releaseHeldRefunds } from './held-refunds.ts';
import { applyPayment, applyRefund, findPayment, reject, type CashbackState, type Outcome } from './state.ts';

export function applyRawEvent(state: CashbackState, type: EventType, raw: unknown, receivedAtMs: number): Outcome {
  const checked = validateEvent(type, raw, receivedAtMs);
  if (!checked.ok) return reject(state, describeRawEvent(raw), checked.errors.join('; '), receivedAtMs);
  if (type === 'payment') {
    const outcome = applyPayment(state, checked.value as PaymentEvent, receivedAtMs);
    if (outcome.result === 'accepted')
      releaseHeldRefunds(state, (checked.value as PaymentEvent).paymentId, receivedAtMs);
    return outcome;
  }
  const refund = checked.value as RefundEvent;
  // A refund before its payment waits for it (unless it is a repeat of one already applied).
  if (!findPayment(state, refund.paymentId) && !state.refunds[refund.refundId])
    return holdRefund(state, refund, receivedAtMs);
  return applyRefund(state, refund, receivedAtMs);
}
